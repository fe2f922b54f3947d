// tests/ofdjs/check.js — OFD packages rendered by a reader tongbao does not
// contain: ofd.js (npm, Apache-2.0) in headless Debian chromium, driven by
// playwright-core.  usage: node check.js JOBS.json
//
// JOBS.json: {"scale": px per mm, "threshold": mean difference (0–255),
//             "jobs": [{"name", "ofd": file, "res": PublicRes.xml,
//                       "fonts": {"file name": path}, "pages": the PDF's page count,
//                       "refs": {"page": pdftoppm PNG} for the pages to compare,
//                       "pdftext": pdftotext -layout of the PDF (pages split by \f),
//                       "composed": text file or null,
//                       "negative": true for a package broken on purpose}]}
//
// For each package:
//   - the fonts embedded in it are handed to the browser as they are
//     (FontFace, under the FamilyName, weight and style PublicRes.xml gives
//     them): ofd.js itself draws text with the CSS font of the Font's
//     FamilyName, as a reader without its own font engine does, so the
//     embedded subsets are what it draws with; a font the browser's
//     sanitizer (OTS) refuses fails the check;
//   - ofd.js parses the package (its own unzip and XML parser) and lays out
//     every page at `scale` pixels per millimetre; each page is captured
//     and compared, pixel by pixel, with pdftoppm's rendering of the PDF of
//     the same pages at the same resolution: the mean absolute difference
//     of the grey levels must stay under the threshold;
//   - the characters ofd.js placed must be the PDF's on each page
//     (pdftotext), and, read by baseline then x, contain the composed text.
// The pixel comparison is on both pages reduced to 1 px per mm (the
// browser's own resampling): Chromium's text comes out a shade darker than
// poppler's, which per pixel says as much as a misplaced glyph would; at
// 1 mm per pixel a misplacement still shows and the shading mostly goes.
// Prints "PASS name" / "FAIL name: why" lines (one line each) and a last
// line "# max …".  A negative job's lines start "NEG " instead: the caller
// checks that the harness fails it, in the same browser launch as the
// rest (a launch costs seconds, more under load).
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const strip = (s) => s.replace(/\s+/g, "");
// one line per result (a browser message may hold newlines); NEG for a negative job
const say = (job, line) => console.log((job.negative ? "NEG " : "") + line.replace(/\s*\n\s*/g, " "));

function pageText(lines) {
  // pdftotext -layout's page, and ofd.js's lines, without the page number
  return lines.filter((l) => !/^\s*—\s*\d+\s*—\s*$/.test(l)).join("\n");
}

async function main() {
  const userDir = fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "tongbao-chromium-"));
  // a fresh profile directory (playwright passes it as --user-data-dir)
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1200, height: 1400 },
    deviceScaleFactor: 1,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--font-render-hinting=none"],
  });
  let worst = 0, worstName = "";
  try {
    // one page for every package: ofd.js loads once; each package clears
    // the previous one's pages and fonts
    const page = ctx.pages()[0] || await ctx.newPage();
    let errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (/OTS|font/i.test(m.text())) errors.push(m.text()); });
    await page.setContent("<!doctype html><html><head><meta charset='utf-8'><style>body{margin:0;background:#888}" +
      "#pages>div{margin:0 0 20px 0 !important}</style></head><body><div id='pages'></div></body></html>");
    await page.addScriptTag({ path: require.resolve("ofd.js/lib/ofd.umd.min.js") });
    const cdp = await ctx.newCDPSession(page);
    for (const job of spec.jobs) {
      const T = [Date.now()];
      errors = [];
      await page.evaluate(() => { document.getElementById("pages").replaceChildren(); document.fonts.clear(); window.scrollTo(0, 0); });
      T.push(Date.now());
      const fonts = {};
      for (const [file, p] of Object.entries(job.fonts)) fonts[file] = fs.readFileSync(p).toString("base64");
      const res = await page.evaluate(async ({ ofdB64, resXml, fonts, scale }) => {
        const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        // the package's fonts, under the names PublicRes.xml gives them
        const doc = new DOMParser().parseFromString(resXml, "application/xml");
        const loaded = [], failed = [];
        for (const f of doc.getElementsByTagNameNS("http://www.ofdspec.org/2016", "Font")) {
          const file = f.getElementsByTagNameNS("http://www.ofdspec.org/2016", "FontFile")[0];
          const fam = f.getAttribute("FamilyName") || f.getAttribute("FontName");
          if (!file || !fonts[file.textContent]) { failed.push(fam + ": no FontFile in the package"); continue; }
          const ff = new FontFace(fam, bytes(fonts[file.textContent]), {
            weight: f.getAttribute("Bold") === "true" ? "700" : "400",
            style: f.getAttribute("Italic") === "true" ? "italic" : "normal" });
          try { await ff.load(); document.fonts.add(ff); loaded.push(fam); } catch (e) { failed.push(fam + ": " + e); }
        }
        const t0 = performance.now();
        // ofd.js reads the package itself
        const parsed = await new Promise((ok, bad) => ofd.parseOfdDocument({
          ofd: bytes(ofdB64).buffer, success: ok, fail: (e) => bad(String(e)) }));
        ofd.setPageScale(scale);
        const t1 = performance.now();
        const divs = ofd.renderOfdByScale(parsed[0]);
        const host = document.getElementById("pages");
        for (const d of divs) host.appendChild(d);
        const t2 = performance.now();
        await document.fonts.ready;
        const t3 = performance.now();
        // every character ofd.js placed: page, baseline, x
        const pages = divs.map((d) => {
          const chars = [];
          for (const t of d.querySelectorAll("svg text")) {
            const svg = t.ownerSVGElement;
            chars.push({ x: parseFloat(svg.style.left) + parseFloat(t.getAttribute("x")),
                         y: parseFloat(svg.style.top) + parseFloat(t.getAttribute("y")), c: t.textContent });
          }
          chars.sort((a, b) => (Math.abs(a.y - b.y) > 1 ? a.y - b.y : a.x - b.x));
          const lines = [];
          let cur = null;
          for (const ch of chars) {
            if (!cur || Math.abs(ch.y - cur.y) > 1) { cur = { y: ch.y, s: "" }; lines.push(cur); }
            cur.s += ch.c;
          }
          return { w: d.offsetWidth, h: d.offsetHeight, lines: lines.map((l) => l.s) };
        });
        return { loaded, failed, pages, n: divs.length, t: [t1 - t0, t2 - t1, t3 - t2, performance.now() - t3].map(Math.round) };
      }, { ofdB64: fs.readFileSync(job.ofd).toString("base64"), resXml: fs.readFileSync(job.res, "utf8"),
           fonts, scale: spec.scale }).catch((e) => ({ error: String(e) }));
      T.push(Date.now());
      if (res.error || res.n === 0) {
        say(job, `FAIL ofd.js opens ${job.name}: ${res.error || "no pages"} ${errors.join("; ")}`.slice(0, 600));
        continue;
      }
      const opened = res.n === job.pages && res.failed.length === 0 && res.loaded.length > 0;
      say(job, opened
        ? `PASS ofd.js opens ${job.name} (${res.n} pages, ${res.loaded.length} embedded fonts loaded)`
        : `FAIL ofd.js opens ${job.name}: ${res.n} pages for the PDF's ${job.pages}; fonts refused: ${res.failed.join("; ")} ${errors.join("; ")}`.slice(0, 600));

      // pixels: each page against pdftoppm's
      const diffs = [];
      const want = Object.keys(job.refs).map(Number).sort((a, b) => a - b);   // 1-based pages to compare
      // the pages not compared leave the document first (their text is
      // read above): showing one page among dozens costs more than its capture
      const shown = await page.evaluate((keep) => {
        const all = Array.from(document.querySelectorAll("#pages > div"));
        all.forEach((d, j) => { if (keep.includes(j + 1)) d.dataset.page = String(j + 1); else d.remove(); });
        return all.length;
      }, want);
      for (let i = 0; i < shown; i++) {
        if (!job.refs[i + 1]) continue;
        // the page as the browser draws it (DevTools' capture, the fast PNG encoder)
        // (only this page shown, at the top of the viewport: a long document
        // is not repainted whole for each capture)
        const box = await page.evaluate((k) => {
          let me = null;
          document.querySelectorAll("#pages > div").forEach((d) => {
            const on = d.dataset.page === k;
            d.style.display = on ? "" : "none";
            if (on) me = d;
          });
          window.scrollTo(0, 0);
          const r = me.getBoundingClientRect();
          return { x: r.left, y: r.top, width: r.width, height: r.height };
        }, String(i + 1));
        const tc = Date.now();
        const png = (await cdp.send("Page.captureScreenshot", { format: "png", optimizeForSpeed: true,
          clip: { ...box, scale: 1 } })).data;
        // OFDJS_SHOTS=DIR keeps the captures, to look at them
        if (process.env.OFDJS_SHOTS) fs.writeFileSync(path.join(process.env.OFDJS_SHOTS, `${job.name.replace(/\W+/g, "_")}-${i + 1}.png`), Buffer.from(png, "base64"));
        if (process.env.OFDJS_DEBUG) console.log("# capture ms " + (Date.now() - tc));
        const ref = fs.readFileSync(job.refs[i + 1]).toString("base64");
        diffs.push(await page.evaluate(async ({ a, b, scale }) => {
          const img = async (src) => { const im = new Image(); im.src = src; await im.decode(); return im; };
          const [x, y] = [await img("data:image/png;base64," + a), await img("data:image/png;base64," + b)];
          // both reduced to 1 px per mm by the browser's own resampling
          const w = Math.round(Math.min(x.width, y.width) / scale), h = Math.round(Math.min(x.height, y.height) / scale);
          const grey = (im) => {
            const c = document.createElement("canvas"); c.width = w; c.height = h;
            const g = c.getContext("2d");
            g.imageSmoothingEnabled = true; g.imageSmoothingQuality = "high";
            g.drawImage(im, 0, 0, w * scale, h * scale, 0, 0, w, h);
            const d = g.getImageData(0, 0, w, h).data, out = new Float32Array(w * h);
            for (let k = 0; k < w * h; k++) out[k] = 0.299 * d[4 * k] + 0.587 * d[4 * k + 1] + 0.114 * d[4 * k + 2];
            return out;
          };
          const [p, q] = [grey(x), grey(y)];
          let s = 0;
          for (let k = 0; k < p.length; k++) s += Math.abs(p[k] - q[k]);
          return { blur: s / p.length, size: [x.width, x.height, y.width, y.height] };
        }, { a: png, b: ref, scale: spec.scale }));
        diffs[diffs.length - 1].page = i + 1;
      }
      if (process.env.OFDJS_DEBUG) console.log("# " + job.name + " " + diffs.map((d) => `${d.page}:${d.blur.toFixed(2)}`).join(" "));
      const wi = diffs.reduce((m, d, i) => (d.blur > diffs[m].blur ? i : m), 0);
      const md = diffs.length ? diffs[wi].blur : Infinity;
      const sizeOk = diffs.every((d) => Math.abs(d.size[0] - d.size[2]) <= 1 && Math.abs(d.size[1] - d.size[3]) <= 1);
      if (want.length && !job.negative && md > worst) { worst = md; worstName = `${job.name} page ${diffs[wi].page}`; }
      const pages = diffs.length === job.pages ? `all ${diffs.length} pages` : `pages ${diffs.map((d) => d.page).join(",")}`;
      if (want.length) say(job, md <= spec.threshold && sizeOk && diffs.length === want.length
        ? `PASS ofd.js pages look like the PDF's ${job.name} (${pages}: mean grey difference ≤ ${md.toFixed(2)}, threshold ${spec.threshold})`
        : `FAIL ofd.js pages look like the PDF's ${job.name}: page ${diffs.length ? diffs[wi].page : "?"} differs by ${md.toFixed(2)} (threshold ${spec.threshold}); sizes ${JSON.stringify(diffs.map((d) => d.size))}`);

      // text: the PDF's per page, and the composed text in the whole
      T.push(Date.now());
      if (process.env.OFDJS_DEBUG) console.log("# times " + job.name + " " + T.map((t, i) => i ? t - T[i - 1] : 0).join(" ") + (res.t ? " in page " + res.t.join(" ") : ""));
      // the same characters on each page (pdftotext's order of a chart's
      // labels need not be ours, so as sorted multisets), then the
      // composed text in reading order
      let bad = [];
      const sorted = (s) => Array.from(strip(s)).sort().join("");
      const pdfPages = fs.readFileSync(job.pdftext, "utf8").split("\f").slice(0, job.pages);
      for (let i = 0; i < res.pages.length && i < pdfPages.length; i++) {
        const mine = sorted(pageText(res.pages[i].lines));
        const theirs = sorted(pageText(pdfPages[i].split("\n")));
        if (mine !== theirs) {
          const only = (a, b) => { const m = new Map(); for (const c of b) m.set(c, (m.get(c) || 0) + 1);
            return Array.from(a).filter((c) => { const n = m.get(c) || 0; m.set(c, n - 1); return n <= 0; }).join(""); };
          bad.push(`page ${i + 1}: only ofd.js "${only(mine, theirs).slice(0, 20)}", only the PDF "${only(theirs, mine).slice(0, 20)}"`);
        }
      }
      if (res.pages.length !== pdfPages.length) bad.push(`${res.pages.length} pages of text for ${pdfPages.length}`);
      if (job.composed) {
        const all = strip(res.pages.map((p) => pageText(p.lines)).join("\n"));
        if (!all.includes(strip(fs.readFileSync(job.composed, "utf8")))) bad.push("the composed text is not in ofd.js's text");
      }
      say(job, bad.length === 0
        ? `PASS ofd.js text: the PDF's characters on every page${job.composed ? ", the composed text in order" : ""} ${job.name}`
        : `FAIL ofd.js text ${job.name}: ${bad.slice(0, 2).join("; ")}`);
    }
  } finally {
    await ctx.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
  console.log(`# max mean grey difference ${worst.toFixed(2)} (${worstName})`);
}

main().catch((e) => { console.log("FAIL ofd.js harness: " + String(e).slice(0, 500)); process.exit(1); });

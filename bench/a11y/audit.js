#!/usr/bin/env node
// Accessibility audit (WCAG 2.2 AA) of the resident and staff pages of a running Stadhuis demo,
// in a real browser: axe-core on every page, anonymous, logged in as a demo resident and as demo
// staff, at 1280 px and at 320 px (reflow: no horizontal scroll), and every flow again with
// JavaScript switched off. A tool, not a unit test: see README.md in this folder for how to run it.
//
// Usage: node audit.js [--base http://127.0.0.1:8131] [--out results.json] [--shots DIR]
//                      [--part all|resident|staff]
// Exit status: 0 without violations or reflow/flow failures, 1 with them, 2 on a crash.
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}
const BASE = option("base", process.env.STADHUIS_BASE || "http://127.0.0.1:8131").replace(/\/$/, "");
const OUT = option("out", "a11y-results.json");
const SHOTS = option("shots", "");
const CHROMIUM = option("chromium", process.env.CHROMIUM || "/usr/bin/chromium");
const RESIDENT = option("resident", "111222333"); // Anna de Vries in the demo data
// Which pages: "resident", "staff" or "all" (the default).
const PART = option("part", "all");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
// Also run axe's best practices, reported apart: they are not WCAG failures, but worth reading.
const BEST_PRACTICE = ["best-practice"];

const results = { base: BASE, tags: TAGS, pages: [], failures: [] };
const isWcag = (v) => v.tags.some((t) => TAGS.includes(t));

function fail(where, message) {
  results.failures.push({ where, message });
  console.log(`  FAIL ${where}: ${message}`);
}

async function axe(page) {
  // Injected from outside the page, so it also runs where the page's JavaScript is off.
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    await page.evaluate(AXE_SOURCE);
  }
  return page.evaluate(
    (tags) =>
      window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations", "incomplete"] }),
    [...TAGS, ...BEST_PRACTICE],
  );
}

async function reflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const wide = [];
    if (doc.scrollWidth > doc.clientWidth + 1) {
      for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.right > doc.clientWidth + 1 && r.width > 0) {
          wide.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} (${Math.round(r.right)}px)`);
        }
      }
    }
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide: wide.slice(0, 8) };
  });
}

// Check the page that is open now and record it under a name.
async function check(page, ctx, name, { expectErrors = false, status } = {}) {
  const url = page.url().replace(BASE, "");
  const where = `${ctx.name} ${name} (${url})`;
  const entry = { context: ctx.name, name, url, violations: [] };
  const title = await page.title();
  entry.title = title;
  if (status && status >= 500) fail(where, `HTTP ${status}`);
  if (expectErrors) {
    const summary = await page.locator(".error-summary").count();
    if (!summary) fail(where, "no error summary after submitting the form empty");
    if (!/^(Fout|Error)/.test(title)) fail(where, `title does not start with "Fout:" after errors: ${title}`);
    // The summary takes the focus (autofocus), so a screen reader reads it and Tab goes on from it.
    const focused = await page.evaluate(() => !!document.activeElement && !!document.activeElement.closest(".error-summary"));
    if (summary && !focused) fail(where, "the error summary does not get the focus");
  }
  if (ctx.width <= 320) {
    const r = await reflow(page);
    entry.reflow = r;
    if (r.scrollWidth > r.clientWidth + 1) fail(where, `horizontal scroll at ${ctx.width}px: ${r.scrollWidth}px wide; ${r.wide.join(", ")}`);
  }
  entry.bestPractice = [];
  entry.incomplete = [];
  if (ctx.js) {
    // axe needs the page's JavaScript; without it the DOM is the same (the site ships no
    // scripts), so the no-JavaScript run checks that the flows work and leaves axe out.
    const res = await axe(page);
    const describe = (v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    });
    for (const v of res.violations) (isWcag(v) ? entry.violations : entry.bestPractice).push(describe(v));
    for (const v of res.incomplete) if (isWcag(v)) entry.incomplete.push({ id: v.id, nodes: v.nodes.length });
  }
  results.pages.push(entry);
  const ids = entry.violations.map((v) => `${v.id}×${v.nodes.length}`).join(", ");
  const bp = entry.bestPractice.map((v) => `${v.id}×${v.nodes.length}`).join(", ");
  console.log(`${entry.violations.length ? "VIOL" : "ok  "} ${where}${ids ? ": " + ids : ""}${bp ? " [best practice: " + bp + "]" : ""}`);
  if (SHOTS && ctx.shots) {
    const file = path.join(SHOTS, `${ctx.name}-${name}.png`.replace(/[^a-z0-9.-]+/gi, "_"));
    await page.screenshot({ path: file, fullPage: true });
  }
  return entry;
}

async function visit(page, ctx, name, url, opts = {}) {
  const response = await page.goto(BASE + url);
  const status = response ? response.status() : 0;
  if (status >= 400 && !opts.allow4xx) fail(`${ctx.name} ${name} (${url})`, `HTTP ${status}`);
  await check(page, ctx, name, { ...opts, status });
  return status;
}

// Submit the main form of the page without filling anything in.
async function submitEmpty(page, ctx, name, formSelector = "main form.form, main form[method=post]", { expectErrors } = {}) {
  const form = page.locator(formSelector).last();
  if (!(await form.count())) {
    fail(`${ctx.name} ${name}`, `no form on ${page.url()}`);
    return;
  }
  // Clear prefilled text so the required fields are really empty.
  for (const input of await form.locator("input[type=text], input[type=email], input[type=tel], input:not([type]), textarea").all()) {
    if (await input.isEditable()) await input.fill("");
  }
  // Answers given earlier come back checked: take them away too.
  await form.evaluate((f) => {
    for (const el of f.querySelectorAll("input[type=radio], input[type=checkbox]")) el.checked = false;
    for (const el of f.querySelectorAll("select")) {
      const empty = [...el.options].findIndex((o) => o.value === "");
      if (empty >= 0) el.selectedIndex = empty;
    }
  });
  // A form whose questions are all optional may be sent empty; then no errors are expected.
  const required = await form.locator("[required]").count();
  await Promise.all([page.waitForLoadState("load"), form.locator("button[type=submit], button:not([type])").last().click()]);
  await page.waitForLoadState("load");
  await check(page, ctx, name, { expectErrors: expectErrors ?? required > 0 });
}

async function links(page, pattern) {
  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
  return [...new Set(hrefs.filter((h) => pattern.test(h)))];
}

async function login(page, ctx) {
  await page.goto(BASE + "/inloggen/demo");
  await page.check(`input[name=resident][value="${RESIDENT}"]`);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/inloggen")), page.click("main form.form button[type=submit]")]);
  if (new URL(page.url()).pathname.startsWith("/inloggen")) fail(`${ctx.name} login`, "demo login did not log in");
}

// Keyboard: tab through the page; every stop must show a focus indicator (outline or
// box-shadow that differs from the unfocused look) and the first stop is the skip link.
async function keyboard(page, ctx, name, url) {
  await page.goto(BASE + url);
  const where = `${ctx.name} keyboard ${name} (${url})`;
  const stops = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const label = (el.getAttribute("aria-label") || el.textContent || el.value || el.name || "").trim().slice(0, 40);
      const r = el.getBoundingClientRect();
      return {
        tag: el.tagName.toLowerCase(), label,
        outline: cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2,
        shadow: cs.boxShadow && cs.boxShadow !== "none",
        visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight,
        key: el.outerHTML.slice(0, 120),
      };
    });
    if (!info) break;
    if (stops.length && stops[0].key === info.key) break; // wrapped round
    stops.push(info);
  }
  if (!stops.length) fail(where, "Tab reaches nothing");
  else if (!/^a$/.test(stops[0].tag) || !/inhoud|content/i.test(stops[0].label)) fail(where, `first Tab stop is not the skip link: ${stops[0].key}`);
  const bad = stops.filter((s) => !(s.outline || s.shadow) || !s.visible);
  for (const s of bad) fail(where, `focus not visible on ${s.key} (outline ${s.outline}, shadow ${s.shadow}, in view ${s.visible})`);
  console.log(`${bad.length ? "FAIL" : "ok  "} ${where}: ${stops.length} stops`);
  results.pages.push({ context: ctx.name, name: `keyboard-${name}`, url, tabStops: stops.length, violations: [], bestPractice: [], focusProblems: bad });
}

// Find the pages whose addresses hold ids made by the demo data.
async function discover(page) {
  const found = {};
  await page.goto(BASE + "/aanvragen");
  found.caseForms = await links(page, /^\/aanvragen\/[a-z0-9-]+$/);
  await page.goto(BASE + "/meedoen");
  const processes = await links(page, /^\/meedoen\/[0-9a-f-]{36}$/);
  for (const p of processes) {
    await page.goto(BASE + p);
    const here = await links(page, /^\/meedoen\//);
    if (here.some((h) => h.endsWith("/idee"))) found.ideaProcess = p;
    if (here.some((h) => h.endsWith("/vragenlijst"))) found.consultationProcess = p;
    if (here.some((h) => h.endsWith("/stemmen"))) found.ballotProcess = p;
    if (here.some((h) => h.endsWith("/aanvragen"))) found.applicationProcess = p;
    if (here.some((h) => h.endsWith("/uitslag"))) found.resultsProcess = p;
    const idea = here.find((h) => /^\/meedoen\/ideeen\/[0-9a-f-]{36}$/.test(h));
    if (idea && !found.idea) found.idea = idea;
    const project = here.find((h) => /^\/meedoen\/projecten\/[0-9a-f-]{36}$/.test(h));
    if (project && !found.project) found.project = project;
  }
  return found;
}

const CASE_FORM = "/aanvragen/klacht";

async function anonymous(browser, ctx, found) {
  const context = await browser.newContext({ viewport: { width: ctx.width, height: 900 }, javaScriptEnabled: ctx.js });
  const page = await context.newPage();
  await visit(page, ctx, "home", "/");
  await visit(page, ctx, "catalogue", "/aanvragen");
  await visit(page, ctx, "case-form", CASE_FORM, { allow4xx: true });
  await visit(page, ctx, "lookup", "/volgen");
  await submitEmpty(page, ctx, "lookup-empty");
  await visit(page, ctx, "login", "/inloggen");
  await visit(page, ctx, "demo-login", "/inloggen/demo");
  await submitEmpty(page, ctx, "demo-login-empty");
  await visit(page, ctx, "participation", "/meedoen");
  for (const [key, p] of Object.entries({ ideaProcess: found.ideaProcess, ballotProcess: found.ballotProcess })) {
    if (p) await visit(page, ctx, `process-${key}`, p);
  }
  if (found.idea) await visit(page, ctx, "idea", found.idea);
  if (found.ballotProcess) {
    await visit(page, ctx, "receipt", found.ballotProcess + "/stembewijs");
    await submitEmpty(page, ctx, "receipt-empty");
  }
  if (found.resultsProcess) await visit(page, ctx, "results", found.resultsProcess + "/uitslag");
  await visit(page, ctx, "register", "/verwerkingsregister");
  await visit(page, ctx, "figures", "/cijfers");
  await visit(page, ctx, "not-found", "/bestaat-niet", { allow4xx: true });
  await context.close();
}

async function resident(browser, ctx, found) {
  const context = await browser.newContext({ viewport: { width: ctx.width, height: 900 }, javaScriptEnabled: ctx.js });
  const page = await context.newPage();
  await login(page, ctx);
  await check(page, ctx, "home-resident");
  await visit(page, ctx, "catalogue", "/aanvragen");
  await visit(page, ctx, "case-form", CASE_FORM);
  await submitEmpty(page, ctx, "case-form-empty");
  await visit(page, ctx, "lookup", "/volgen");
  await visit(page, ctx, "my-cases", "/mijn-zaken");
  const cases = await links(page, /^\/mijn-zaken\/[^/]+$/);
  if (cases.length) await visit(page, ctx, "case", cases[0]);
  else fail(`${ctx.name} my-cases`, "no case to open");
  await visit(page, ctx, "dossier", "/mijn-gegevens");
  const sections = (await links(page, /^\/mijn-gegevens\/[a-z0-9-]+$/)).filter(
    (h) => !/\/(verwerkingen|downloaden|toestemmingen)$/.test(h) && !h.includes("/verzoek"),
  );
  for (const s of sections) await visit(page, ctx, `section-${s.split("/").pop()}`, s);
  await visit(page, ctx, "log", "/mijn-gegevens/verwerkingen");
  // A filter, chosen the way a resident would: the first option of each select.
  const selects = await page.locator("main form select").all();
  if (selects.length) {
    const values = await selects[0].locator("option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    if (values.length) await selects[0].selectOption(values[0]);
    await Promise.all([page.waitForLoadState("load"), page.locator("main form button[type=submit]").first().click()]);
    await page.waitForLoadState("load");
    await check(page, ctx, "log-filtered");
  } else {
    fail(`${ctx.name} log`, "no filter form on the processing log");
  }
  await visit(page, ctx, "consents", "/mijn-gegevens/toestemmingen");
  await visit(page, ctx, "download", "/mijn-gegevens/downloaden");
  await visit(page, ctx, "export-readable", "/mijn-gegevens/downloaden/overzicht");
  await page.goto(BASE + "/mijn-gegevens");
  const rights = await links(page, /^\/mijn-gegevens\/verzoek\//);
  if (rights.length) {
    const right = rights.find((h) => h.endsWith("rectificatie")) || rights[0];
    await visit(page, ctx, "rights-request", right);
    await submitEmpty(page, ctx, "rights-request-empty");
  } else fail(`${ctx.name} dossier`, "no rights-request link");
  await visit(page, ctx, "participation", "/meedoen");
  for (const key of ["ideaProcess", "ballotProcess", "consultationProcess", "applicationProcess"]) {
    if (found[key]) await visit(page, ctx, `process-${key}`, found[key]);
  }
  if (found.idea) await visit(page, ctx, "idea", found.idea);
  if (found.project) await visit(page, ctx, "project", found.project);
  if (found.ideaProcess) {
    await visit(page, ctx, "idea-new", found.ideaProcess + "/idee");
    await submitEmpty(page, ctx, "idea-new-empty");
  }
  if (found.consultationProcess) {
    await visit(page, ctx, "consultation", found.consultationProcess + "/vragenlijst");
    await submitEmpty(page, ctx, "consultation-empty");
  }
  if (found.applicationProcess) {
    await visit(page, ctx, "application-new", found.applicationProcess + "/aanvragen");
    await submitEmpty(page, ctx, "application-new-empty");
  }
  if (found.ballotProcess) {
    await visit(page, ctx, "ballot", found.ballotProcess + "/stemmen");
    await visit(page, ctx, "receipt", found.ballotProcess + "/stembewijs");
    await submitEmpty(page, ctx, "receipt-empty");
  }
  await visit(page, ctx, "mine", "/meedoen/mijn");
  if (ctx.js && ctx.width > 320) {
    await keyboard(page, ctx, "home", "/");
    await keyboard(page, ctx, "case-form", CASE_FORM);
    await keyboard(page, ctx, "log", "/mijn-gegevens/verwerkingen");
    if (found.ballotProcess) await keyboard(page, ctx, "ballot", found.ballotProcess + "/stemmen");
    if (found.ideaProcess) await keyboard(page, ctx, "idea-new", found.ideaProcess + "/idee");
  }
  await context.close();
}

// A whole flow without JavaScript: log in, send a complaint, find it in "Mijn zaken".
async function flowWithoutJs(browser, ctx) {
  const context = await browser.newContext({ viewport: { width: ctx.width, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ctx);
  await page.goto(BASE + CASE_FORM);
  const form = page.locator("main form.form").last();
  for (const input of await form.locator("textarea, input[type=text], input:not([type])").all()) {
    if (await input.isEditable()) await input.fill("De stoep bij de bibliotheek ligt al weken open. Graag repareren.");
  }
  for (const name of new Set(await form.locator("input[type=radio]").evaluateAll((rs) => rs.map((r) => r.name)))) {
    await form.locator(`input[type=radio][name="${name}"]`).first().check();
  }
  await Promise.all([page.waitForLoadState("load"), form.locator("button[type=submit]").last().click()]);
  await page.waitForLoadState("load");
  const url = new URL(page.url()).pathname;
  if (!url.endsWith("/verstuurd")) fail(`${ctx.name} flow`, `complaint not sent, ended on ${url}`);
  else await check(page, ctx, "case-submitted");
  await page.goto(BASE + "/mijn-zaken");
  await check(page, ctx, "my-cases-after-submit");
  await context.close();
}

// --- Staff pages ------------------------------------------------------------------------------
// Demo staff log in through the staff login form with the password and the current code that
// the demo shows on that page. A code works once, so each account logs in once (without
// JavaScript, the way the no-JavaScript run needs it) and the other runs reuse its cookies.
const STAFF = {
  handler: "behandelaar", // Stadsbeheer: home, work queue, assisted service
  admin: "beheerder", // administrator: participation (its count and close-voting are theirs)
  cases: "burgerzaken", // Burgerzaken: has open cases in the demo
  ombudsman: "ombudsman",
  privacy: "privacy", // privacy officer: AVG requests
};

async function staffLogin(page, ctx, username) {
  for (let attempt = 0; attempt < 2; attempt++) {
    await page.goto(BASE + "/medewerkers/inloggen");
    const html = await page.content();
    const password = (html.match(/Het wachtwoord is <code>([^<]+)<\/code>/) || [])[1];
    const code = (html.match(new RegExp(`<code>${username}</code></td><td>[^<]*</td><td><code class="demo-code">(\\d+)</code>`)) || [])[1];
    if (!password || !code) {
      fail(`${ctx.name} staff login ${username}`, "no demo password or code on the staff login page");
      return false;
    }
    await page.fill("#id_username", username);
    await page.fill("#id_password", password);
    await page.fill("#id_otp_token", code);
    await Promise.all([page.waitForLoadState("load"), page.click("main form.form button[type=submit]")]);
    await page.waitForLoadState("load");
    if (!new URL(page.url()).pathname.startsWith("/medewerkers/inloggen")) return true;
    // The code was used already (this account logged in during this 30 s): wait for the next.
    await page.waitForTimeout(31000 - (Date.now() % 30000));
  }
  fail(`${ctx.name} staff login ${username}`, "staff login did not log in");
  return false;
}

async function staffSessions(browser) {
  const sessions = {};
  const ctx = { name: "staff-login", width: 1280 };
  for (const [key, username] of Object.entries(STAFF)) {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    if (await staffLogin(page, ctx, username)) sessions[key] = await context.storageState();
    await context.close();
  }
  return sessions;
}

async function staffPage(browser, ctx, sessions, key) {
  const context = await browser.newContext({
    viewport: { width: ctx.width, height: 900 },
    javaScriptEnabled: ctx.js,
    storageState: sessions[key],
  });
  return [context, await context.newPage()];
}

async function staff(browser, ctx, sessions) {
  // Staff login itself (anonymous), also sent empty.
  {
    const context = await browser.newContext({ viewport: { width: ctx.width, height: 900 }, javaScriptEnabled: ctx.js });
    const page = await context.newPage();
    await visit(page, ctx, "staff-login", "/medewerkers/inloggen");
    await submitEmpty(page, ctx, "staff-login-empty");
    if (ctx.keyboard) await keyboard(page, ctx, "staff-login", "/medewerkers/inloggen");
    await context.close();
  }
  // Case handler of Stadsbeheer: home, queue with filters, assisted service, participation.
  if (sessions.handler) {
    const [context, page] = await staffPage(browser, ctx, sessions, "handler");
    await visit(page, ctx, "staff-home", "/");
    await visit(page, ctx, "staff-queue", "/medewerkers/zaken");
    await page.selectOption("#id_scope", "niet-toegewezen");
    await page.selectOption("#id_status", "ontvangen");
    await page.check("#id_overdue");
    await Promise.all([page.waitForLoadState("load"), page.click("main form[role=search] button[type=submit]")]);
    await page.waitForLoadState("load");
    await check(page, ctx, "staff-queue-filtered");
    await visit(page, ctx, "assisted-start", "/medewerkers/hulp");
    await submitEmpty(page, ctx, "assisted-start-empty");
    if (ctx.keyboard) {
      await keyboard(page, ctx, "staff-home", "/");
      await keyboard(page, ctx, "staff-queue", "/medewerkers/zaken");
    }
    await context.close();
  }
  // Administrator: the participation dashboard and a staff process page of each kind.
  if (sessions.admin) {
    const [context, page] = await staffPage(browser, ctx, sessions, "admin");
    await visit(page, ctx, "participation-dashboard", "/medewerkers/meedoen");
    if (await page.locator('main form[action$="/beoordelen"]').count()) {
      await submitEmpty(page, ctx, "participation-dashboard-review-empty", 'main form[action$="/beoordelen"]');
    }
    await visit(page, ctx, "participation-process-new", "/medewerkers/meedoen/nieuw");
    await page.goto(BASE + "/medewerkers/meedoen");
    const processes = await links(page, /^\/medewerkers\/meedoen\/[0-9a-f-]{36}$/);
    if (!processes.length) fail(`${ctx.name} participation-dashboard`, "no staff process pages linked");
    let voting = null;
    for (const [i, p] of processes.entries()) {
      await visit(page, ctx, `staff-process-${i}`, p);
      const closing = await links(page, /\/stemmen-sluiten$/);
      if (closing.length && !voting) voting = { process: p, closing: closing[0] };
      if (await page.locator('main form[action$="/vragen"]').count()) {
        await submitEmpty(page, ctx, `staff-process-${i}-questions-empty`, 'main form[action$="/vragen"]');
      }
      // "Proces wijzigen": every process has it; locked parts show their values instead.
      const edit = await links(page, /\/wijzigen$/);
      if (edit.length) await visit(page, ctx, `staff-process-${i}-edit`, edit[0]);
      else fail(`${ctx.name} staff-process-${i}`, "no link to the edit page");
    }
    if (voting) {
      // Budget in its voting phase: voter register and paper ballot sent empty, a count
      // refused, and the page that asks before voting closes (not sent: it cannot be undone).
      await page.goto(BASE + voting.process);
      await submitEmpty(page, ctx, "staff-voter-register-empty", 'main form[action$="/stemregister"]');
      await page.goto(BASE + voting.process);
      await submitEmpty(page, ctx, "staff-paper-ballot-empty", 'main form[action$="/papieren-stem"]');
      // The count form always has a rule chosen; a rule that does not exist is refused.
      await page.goto(BASE + voting.process);
      await page.locator('main form[action$="/tellen"] select').evaluate((el) => {
        el.add(new Option("bestaat-niet", "bestaat-niet"));
        el.value = "bestaat-niet";
      });
      await Promise.all([page.waitForLoadState("load"), page.locator('main form[action$="/tellen"] button[type=submit]').click()]);
      await page.waitForLoadState("load");
      await check(page, ctx, "staff-count-refused", { expectErrors: true });
      await visit(page, ctx, "staff-close-voting", voting.closing);
    } else fail(`${ctx.name} participation`, "no budget process in its voting phase");
    if (ctx.keyboard) {
      await keyboard(page, ctx, "participation-dashboard", "/medewerkers/meedoen");
      if (voting) await keyboard(page, ctx, "staff-process-voting", voting.process);
    }
    await context.close();
  }
  // Burgerzaken: a case and each of its forms sent empty.
  if (sessions.cases) {
    const [context, page] = await staffPage(browser, ctx, sessions, "cases");
    await visit(page, ctx, "staff-queue-cases", "/medewerkers/zaken");
    const cases = await links(page, /^\/medewerkers\/zaken\/[A-Z0-9-]+$/);
    if (cases.length) {
      await visit(page, ctx, "staff-case", cases[0]);
      for (const action of ["status", "message", "note"]) {
        await page.goto(BASE + cases[0]);
        // The status form has no required field, but an end status needs a result.
        await submitEmpty(page, ctx, `staff-case-${action}-empty`, `main form[action$="/actie/${action}"]`, { expectErrors: true });
      }
      if (ctx.keyboard) await keyboard(page, ctx, "staff-case", cases[0]);
    } else fail(`${ctx.name} staff-queue-cases`, "no open case to open");
    await context.close();
  }
  if (sessions.ombudsman) {
    const [context, page] = await staffPage(browser, ctx, sessions, "ombudsman");
    await visit(page, ctx, "ombudsman-home", "/");
    await visit(page, ctx, "ombudsman-queue", "/medewerkers/ombudsman");
    const cases = await links(page, /^\/medewerkers\/ombudsman\/[A-Z0-9-]+$/);
    if (cases.length) await visit(page, ctx, "ombudsman-case", cases[0]);
    await context.close();
  }
  // Privacy officer: AVG requests and the processing register.
  if (sessions.privacy) {
    const [context, page] = await staffPage(browser, ctx, sessions, "privacy");
    await visit(page, ctx, "privacy-home", "/");
    await visit(page, ctx, "avg-requests", "/medewerkers/avg-verzoeken");
    await visit(page, ctx, "privacy-register", "/verwerkingsregister");
    const activities = await links(page, /^\/verwerkingsregister\/[a-z0-9-]+$/);
    for (const a of activities.slice(0, 3)) await visit(page, ctx, `privacy-register-${a.split("/").pop()}`, a);
    if (ctx.keyboard) await keyboard(page, ctx, "avg-requests", "/medewerkers/avg-verzoeken");
    await context.close();
  }
}

// A staff flow without JavaScript: log in through the form, filter the queue, open a case,
// pick it up, send the resident a message and see it on the case page.
async function staffFlowWithoutJs(browser, ctx, sessions) {
  if (!sessions.cases) return;
  const context = await browser.newContext({ viewport: { width: ctx.width, height: 900 }, javaScriptEnabled: false, storageState: sessions.cases });
  const page = await context.newPage();
  await page.goto(BASE + "/medewerkers/zaken");
  await page.selectOption("#id_scope", "afdeling");
  await Promise.all([page.waitForLoadState("load"), page.click("main form[role=search] button[type=submit]")]);
  const cases = await links(page, /^\/medewerkers\/zaken\/[A-Z0-9-]+$/);
  if (!cases.length) {
    fail(`${ctx.name} staff flow`, "no case in the filtered queue");
    await context.close();
    return;
  }
  await page.goto(BASE + cases[0]);
  const claim = page.locator('main form[action$="/actie/claim"] button[type=submit]');
  if (await claim.count()) {
    await Promise.all([page.waitForLoadState("load"), claim.click()]);
    await page.waitForLoadState("load");
  }
  await page.goto(BASE + cases[0]);
  const text = "Wij hebben uw aanvraag ontvangen en gaan ermee aan de slag.";
  await page.fill('main form[action$="/actie/message"] textarea', text);
  await Promise.all([page.waitForLoadState("load"), page.locator('main form[action$="/actie/message"] button[type=submit]').click()]);
  await page.waitForLoadState("load");
  if (!(await page.content()).includes(text)) fail(`${ctx.name} staff flow`, `message not shown on ${page.url()}`);
  else await check(page, ctx, "staff-case-after-message");
  await context.close();
}

(async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
    const probe = await browser.newContext();
    const found = await discover(await probe.newPage());
    await probe.close();
    results.found = found;
    console.log("found", JSON.stringify(found));
    const contexts = [
      { name: "anon-1280", width: 1280, js: true, shots: true },
      { name: "resident-1280", width: 1280, js: true, shots: true, resident: true },
      { name: "anon-320", width: 320, js: true, shots: true },
      { name: "resident-320", width: 320, js: true, shots: true, resident: true },
      { name: "resident-nojs", width: 1280, js: false, resident: true },
    ];
    if (PART !== "staff") {
      for (const ctx of contexts) {
        await (ctx.resident ? resident : anonymous)(browser, ctx, found);
      }
      await flowWithoutJs(browser, { name: "flow-nojs", width: 1280 });
    }
    if (PART !== "resident") {
      const sessions = await staffSessions(browser);
      const staffContexts = [
        { name: "staff-1280", width: 1280, js: true, shots: true, keyboard: true },
        { name: "staff-320", width: 320, js: true, shots: true },
        { name: "staff-nojs", width: 1280, js: false },
      ];
      for (const ctx of staffContexts) await staff(browser, ctx, sessions);
      await staffFlowWithoutJs(browser, { name: "staff-flow-nojs", width: 1280 }, sessions);
    }
  } finally {
    await browser.close();
  }
  const byRule = {};
  for (const p of results.pages) for (const v of p.violations) byRule[v.id] = (byRule[v.id] || 0) + v.nodes.length;
  results.summary = {
    pages: results.pages.length,
    pagesWithViolations: results.pages.filter((p) => p.violations.length).length,
    violationsByRule: byRule,
    failures: results.failures.length,
  };
  fs.writeFileSync(OUT, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results.summary, null, 2));
  process.exit(results.summary.pagesWithViolations || results.failures.length ? 1 : 0);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});

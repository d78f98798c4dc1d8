// Translates Streamlit's own English in the page to Dutch (see ui/chrome.py), now and as it
// renders more. Installed once per browser page: reruns and page changes keep the document.
(() => {
  if (window.__monitorChrome) return;
  window.__monitorChrome = true;
  const table = __TABLE__;
  const texts = new Map(Object.entries(table.texts));
  const patterns = table.patterns.map(([source, target]) => [new RegExp(source), target]);
  const attributes = table.attributes;
  // Chart texts are the app's own (Dutch already) and many: never walked.
  const OWN = ".main-svg, script, style, noscript";

  const translate = (value) => {
    const trimmed = value.trim();
    if (!trimmed) return value;
    let result = texts.get(trimmed);
    if (result === undefined) {
      for (const [pattern, target] of patterns) {
        if (pattern.test(trimmed)) {
          result = trimmed.replace(pattern, target);
          break;
        }
      }
    }
    return result === undefined ? value : value.replace(trimmed, () => result);
  };

  const element = (el) => {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (value) {
        const dutch = translate(value);
        if (dutch !== value) el.setAttribute(name, dutch);
      }
    }
  };

  const text = (node) => {
    const parent = node.parentElement;
    if (!parent || parent.closest(OWN)) return;
    const dutch = translate(node.nodeValue);
    if (dutch !== node.nodeValue) node.nodeValue = dutch;
  };

  const tree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return text(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    element(root);
    const selector = attributes.map((name) => `[${name}]`).join(",");
    root.querySelectorAll(selector).forEach(element);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) text(node);
  };

  // Structure Streamlit gets wrong for assistive technology, set right where it renders.
  const repair = (root) => {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    // The page list groups its links in divs inside one list, which may hold only items,
    // so the groups become the lists and the outer one only a container.
    for (const list of root.querySelectorAll("ul[data-testid=stSidebarNavItems]")) {
      list.setAttribute("role", "none");
      for (const group of list.children) {
        if (group.tagName === "DIV") group.setAttribute("role", "list");
      }
    }
    // A table wider than its box scrolls sideways; a box that scrolls must take keyboard
    // focus (WCAG 2.1.1) and say what it is.
    for (const box of root.querySelectorAll(".monitor-table")) {
      if (!box.hasAttribute("tabindex") && box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Tabel, schuift zijwaarts");
      }
    }
    // A key figure's trend is one picture (named on its box), not dozens of unnamed marks.
    for (const chart of root.querySelectorAll("[data-testid=stMetricChart]")) {
      chart.setAttribute("role", "img");
      chart.querySelectorAll("svg, canvas").forEach((drawn) => {
        drawn.setAttribute("aria-hidden", "true");
      });
    }
  };

  // Screen readers read the page in the language it declares; Streamlit's page says "en".
  document.documentElement.lang = "nl-BE";
  tree(document.body);
  repair(document.body);
  let repairing = false;
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "childList") record.addedNodes.forEach(tree);
      else if (record.type === "characterData") text(record.target);
      else element(record.target);
    }
    // Once per frame, however many nodes came: a nav group or a trend may come late.
    if (!repairing) {
      repairing = true;
      requestAnimationFrame(() => {
        repairing = false;
        repair(document.body);
      });
    }
  }).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: attributes,
  });
})();

/* Site search with Pagefind's JavaScript API: full text, a filter per taxonomy, best
   match or newest first, 20 results at a time. Pagefind downloads only the chunks of its
   index that a query needs. Results are built as text nodes: nothing from an article is
   ever parsed as markup here, only Pagefind's <mark> around the words found. */
(function () {
  "use strict";

  var script = document.currentScript;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var order = document.getElementById("search-order");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!script || !form || !input || !status || !list || !more) return;

  // import() resolves against this script's address, not the page's: make it absolute.
  var bundle = new URL(script.getAttribute("data-bundle"), window.location.href).href;
  // Result links start at the site's own path, also when it is served below a host's root.
  var basePath = new URL(script.getAttribute("data-root"), window.location.href).pathname;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var PAGE = 20;
  var loading = null;
  var current = null; // {results, shown, query}
  var serial = 0;

  function engine() {
    if (!loading) {
      loading = import(bundle + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ excerptLength: 30, baseUrl: basePath }).then(function () {
          pagefind.init();
          return pagefind;
        });
      });
    }
    return loading;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpt: escaped text with <mark> around the words found. Each piece is
     unescaped as a detached textarea's text (never parsed as markup), white space kept. */
  var decoder = document.createElement("textarea");
  function unescape(text) {
    decoder.innerHTML = text;
    return decoder.value;
  }

  function excerpt(html) {
    var paragraph = element("p");
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var text = unescape(part);
      if (text) paragraph.appendChild(marked ? element("mark", "", text) : document.createTextNode(text));
      return marked;
    }, false);
    return paragraph;
  }

  function filtersChosen() {
    var chosen = {};
    selects.forEach(function (select) {
      if (select.value) chosen[select.getAttribute("data-filter")] = select.value;
    });
    return chosen;
  }

  /* The values of every filter, with their counts: loaded when a reader first opens a
     filter, not before (on a large site the list of actors alone is a few hundred KB). */
  var filled = null;
  function fillFilters() {
    if (!filled) {
      filled = engine()
        .then(function (pagefind) { return pagefind.filters(); })
        .then(function (available) {
          selects.forEach(function (select) {
            var name = select.getAttribute("data-filter");
            var chosen = select.value;
            Object.keys(available[name] || {})
              .sort(function (a, b) { return a.localeCompare(b); })
              .forEach(function (value) {
                var option = select.querySelector('option[value="' + CSS.escape(value) + '"]');
                if (!option) {
                  option = element("option");
                  option.value = value;
                  select.appendChild(option);
                }
                option.textContent = value + " (" + available[name][value] + ")";
              });
            select.value = chosen;
          });
        });
    }
    return filled;
  }

  function showMore() {
    var page = current.results.slice(current.shown, current.shown + PAGE);
    var mine = serial;
    return Promise.all(page.map(function (result) { return result.data(); })).then(function (found) {
      if (mine !== serial) return;
      found.forEach(function (data) {
        var item = element("li");
        var link = element("a", "", (data.meta && data.meta.title) || data.url);
        link.href = data.url;
        item.appendChild(link);
        var tags = [];
        Object.keys(data.filters || {}).forEach(function (name) {
          tags = tags.concat((data.filters[name] || []).slice(0, 4));
        });
        var date = (data.meta && data.meta.date) || "";
        if (date || tags.length) item.appendChild(element("p", "meta", date + (date && tags.length ? " · " : "") + tags.join(", ")));
        if (data.excerpt) item.appendChild(excerpt(data.excerpt));
        list.appendChild(item);
      });
      current.shown += page.length;
      more.hidden = current.shown >= current.results.length;
      var total = current.results.length;
      status.textContent = total + " article" + (total === 1 ? "" : "s") + " found" +
        (current.query ? " for “" + current.query + "”" : "") +
        (current.shown < total ? ", " + current.shown + " shown." : ".");
    });
  }

  function run(query) {
    var filters = filtersChosen();
    query = query.trim();
    list.textContent = "";
    more.hidden = true;
    if (!query && !Object.keys(filters).length) {
      status.textContent = "";
      return Promise.resolve();
    }
    var mine = ++serial;
    status.textContent = "Searching…";
    var options = { filters: filters };
    // Filters alone: search for the chosen terms' own words, which every article filed under
    // them holds (its term links are indexed); Pagefind would otherwise load its whole index.
    var words = query || Object.keys(filters).map(function (name) { return filters[name]; }).join(" ");
    if (order && order.value === "newest") options.sort = { date: "desc" };
    return engine()
      .then(function (pagefind) { return pagefind.search(words, options); })
      .then(function (search) {
        if (mine !== serial) return;
        current = { results: search.results, shown: 0, query: query };
        if (!search.results.length) {
          status.textContent = "No article found" + (query ? " for “" + query + "”" : "") + ".";
          return;
        }
        return showMore();
      })
      .catch(function () {
        status.textContent = "The search index could not be loaded. Browse the topics and actors instead.";
      });
  }

  function submit(event) {
    if (event) event.preventDefault();
    var url = new URL(window.location.href);
    url.search = "";
    if (input.value) url.searchParams.set("q", input.value);
    selects.forEach(function (select) {
      if (select.value) url.searchParams.set(select.name, select.value);
    });
    if (order && order.value) url.searchParams.set("order", order.value);
    window.history.replaceState(null, "", url);
    run(input.value);
  }

  form.addEventListener("submit", submit);
  selects.concat(order ? [order] : []).forEach(function (select) {
    select.addEventListener("change", function () { submit(); });
  });
  more.addEventListener("click", function () { if (current) showMore(); });

  selects.forEach(function (select) {
    select.addEventListener("focus", fillFilters);
    select.addEventListener("pointerdown", fillFilters);
  });

  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted) {
      var option = element("option", "", wanted);
      option.value = wanted;
      select.appendChild(option);
      select.value = wanted;
    }
  });
  input.value = params.get("q") || "";
  if (order) order.value = params.get("order") === "newest" ? "newest" : "";
  if (input.value || Object.keys(filtersChosen()).length) run(input.value);
})();

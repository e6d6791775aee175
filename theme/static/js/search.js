/* Site search with Pagefind's JavaScript API: full text, a filter per taxonomy, best
   match or newest first, 20 results at a time. Pagefind downloads only the chunks of its
   index that a query needs. The index comes in bundles, one per block of time
   (bundles.json lists them): the first is loaded, the others merged into it, each with
   a filter of its own ("bundle") so that newest first can read each bundle's own order
   and merge them by date. Results are built as text nodes: nothing from an article is
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

  var bundles = [];
  function engine() {
    if (!loading) {
      loading = fetch(bundle + "bundles.json")
        .then(function (response) {
          if (!response.ok) throw new Error("no search index");
          return response.json();
        })
        .then(function (manifest) {
          bundles = manifest.bundles;
          return import(bundle + bundles[0] + "/pagefind.js");
        })
        .then(function (pagefind) {
          return pagefind
            .options({ excerptLength: 30, baseUrl: basePath, mergeFilter: { bundle: bundles[0] } })
            .then(function () {
              pagefind.init();
              return Promise.all(bundles.slice(1).map(function (name) {
                return pagefind.mergeIndex(bundle + name + "/", {
                  baseUrl: basePath,
                  mergeFilter: { bundle: name },
                });
              }));
            })
            .then(function () { return pagefind; });
        });
    }
    return loading;
  }

  /* Newest first: each bundle sorts its own results by date; the lists are merged by
     the date each result's fragment holds, loading only the fragments at their heads. */
  function byDate(lists) {
    var heads = lists.map(function () { return 0; });
    var dates = new Map();
    function when(result) {
      if (!dates.has(result)) {
        dates.set(result, result.data().then(function (data) {
          return ((data.meta && data.meta.when) || "") + " " + data.url;
        }));
      }
      return dates.get(result);
    }
    function next(count, taken) {
      taken = taken || [];
      var open = lists.map(function (list, i) { return heads[i] < list.length ? i : -1; })
        .filter(function (i) { return i >= 0; });
      if (taken.length >= count || !open.length) return Promise.resolve(taken);
      return Promise.all(open.map(function (i) { return when(lists[i][heads[i]]); })).then(function (keys) {
        var best = 0;
        keys.forEach(function (key, k) { if (key > keys[best]) best = k; });
        var i = open[best];
        taken.push(lists[i][heads[i]]);
        heads[i] += 1;
        return next(count, taken);
      });
    }
    return next;
  }

  function byScore(results) {
    var shown = 0;
    return function (count) {
      var page = results.slice(shown, shown + count);
      shown += page.length;
      return Promise.resolve(page);
    };
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
    var mine = serial;
    return current.next(PAGE).then(function (page) {
      return Promise.all(page.map(function (result) { return result.data(); }));
    }).then(function (found) {
      if (mine !== serial) return;
      found.forEach(function (data) {
        var item = element("li");
        var link = element("a", "", (data.meta && data.meta.title) || data.url);
        link.href = data.url;
        item.appendChild(link);
        var tags = [];
        Object.keys(data.filters || {}).filter(function (name) { return name !== "bundle"; }).forEach(function (name) {
          tags = tags.concat((data.filters[name] || []).slice(0, 4));
        });
        var date = (data.meta && data.meta.date) || "";
        if (date || tags.length) item.appendChild(element("p", "meta", date + (date && tags.length ? " · " : "") + tags.join(", ")));
        if (data.excerpt) item.appendChild(excerpt(data.excerpt));
        list.appendChild(item);
      });
      current.shown += found.length;
      var total = current.total;
      more.hidden = current.shown >= total;
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
    var newest = order && order.value === "newest";
    return engine()
      .then(function (pagefind) {
        if (!newest) {
          return pagefind.search(words, options).then(function (search) {
            return { total: search.results.length, next: byScore(search.results) };
          });
        }
        return Promise.all(bundles.map(function (name) {
          var own = Object.assign({}, filters, { bundle: name });
          return pagefind.search(words, { filters: own, sort: { date: "desc" } });
        })).then(function (searches) {
          var lists = searches.map(function (search) { return search.results; });
          var total = lists.reduce(function (sum, list) { return sum + list.length; }, 0);
          return { total: total, next: byDate(lists) };
        });
      })
      .then(function (found) {
        if (mine !== serial) return;
        current = { total: found.total, next: found.next, shown: 0, query: query };
        if (!found.total) {
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

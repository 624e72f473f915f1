/* The checker of a measure. Reads the measure's units and the threshold sets embedded in the
   page as JSON (#checker-data), places a result in each set's bands and shows the result in
   every unit of the measure. No network, no storage, no dependencies; text is set with
   textContent only. The rules mirror hooks/evidence_site/render/checker.py (lower bound
   inclusive, upper exclusive; factors convert to the measure's first unit). */
(function () {
  "use strict";

  function round6(x) { return Math.round(x * 1e6) / 1e6; }

  function convert(value, from, to, data) {
    if (from === to) return value;
    return round6(value * data.factors[from] / data.factors[to]);
  }

  function others(unit, data) {
    return data.units.filter(function (u) { return u !== unit; });
  }

  /* The value in every other unit of the measure ("12 U or 34 V"). */
  function inOthers(value, unit, data) {
    return others(unit, data).map(function (u) { return show(convert(value, unit, u, data)) + " " + u; }).join(" or ");
  }

  function show(value) {
    // At most one decimal, without trailing zeros: 49.92 -> "49.9", 12.0 -> "12".
    var text = (Math.round(value * 10) / 10).toFixed(1);
    return text.replace(/\.0$/, "");
  }

  /* Parse what the reader typed; returns {value} or {error}. */
  function parse(raw, unit, data) {
    var text = raw.replace(/\s+/g, "");
    var name = data.abbreviation;
    if (text === "") return { error: "Enter your " + name + " result as a number, for example 62 or 24.5." };
    if (/^[-\u2212]/.test(text) && /^[-\u2212]\d*[.,]?\d+$/.test(text)) {
      return { error: "A " + name + " level cannot be negative. Check the number on your lab report." };
    }
    if (/^\d{1,3}(,\d{3})+$/.test(text)) {
      return { error: "Write the number without a thousands separator, for example 1000 rather than 1,000." };
    }
    if (!/^(\d+([.,]\d*)?|[.,]\d+)$/.test(text)) {
      return { error: "\u201c" + raw.trim() + "\u201d is not a number. Enter digits only, for example 62 or 24.5 " +
        "(if your report says \u201c<10\u201d, enter 10)." };
    }
    var value = parseFloat(text.replace(",", "."));
    if (value === 0) return { error: "A " + name + " level of 0 is not possible. Check the number on your lab report." };
    var max = data.max[unit];
    if (value > max) {
      var limits = others(unit, data).map(function (u) { return data.max[u] + " " + u; }).join(", ");
      return { error: show(value) + " " + unit + " is higher than any plausible " + name + " level: this checker " +
        "accepts up to " + max + " " + unit + (limits ? " (" + limits + ")" : "") + ". " +
        "Check the number and the unit on your lab report." };
    }
    return { value: value };
  }

  function bandOf(set, value) {
    for (var i = 0; i < set.bands.length; i++) {
      var b = set.bands[i];
      if ((b.lower === null || value >= b.lower) && (b.upper === null || value < b.upper)) return b;
    }
    return null;
  }

  function nearCutoff(set, value, near) {
    for (var i = 0; i < set.bands.length; i++) {
      var cuts = [set.bands[i].lower, set.bands[i].upper];
      for (var j = 0; j < 2; j++) {
        var c = cuts[j];
        if (c !== null && c > 0 && Math.abs(value - c) / c < near) return c;
      }
    }
    return null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cite(parent, cites) {
    cites.forEach(function (c) {
      var a = el("a", "citation", "[" + c.n + "]");
      a.href = c.href;
      a.setAttribute("aria-label", "Reference " + c.n + ": " + c.label);
      parent.appendChild(document.createTextNode(" "));
      parent.appendChild(a);
    });
  }

  /* A cut-off in another unit, rounded for display only, as checker.py's shown_bound: whole
     numbers from 10 up, else one decimal (a cut-off that converts to 50.08 shows as 50). */
  function showBound(value) {
    return value >= 10 ? String(Math.floor(value + 0.5)) : show(Math.floor(value * 10 + 0.5) / 10);
  }

  function boundInOthers(value, unit, data) {
    return others(unit, data).map(function (u) { return showBound(convert(value, unit, u, data)) + " " + u; }).join(" or ");
  }

  function withCutOffs(data) {
    return data.sets.filter(function (set) { return set.status !== "no-thresholds" && set.bands.length; });
  }

  /* Why no band holds the result, as checker.py's unplaced: below all, above all, or between two. */
  function unplaced(set, inSet) {
    var first = set.bands[0], last = set.bands[set.bands.length - 1];
    if (first.lower !== null && inSet < first.lower) return "too-low";
    if (last.upper !== null && inSet >= last.upper) return "too-high";
    return "none";
  }

  /* The summary line, as checker.py's summary_line: authorities with cut-offs counted by the
     category of the band the result falls in; toxic first, then the larger groups. */
  function summary(value, unit, data) {
    var counted = withCutOffs(data);
    if (!counted.length) return null;
    var counts = {};
    counted.forEach(function (set) {
      var band = bandOf(set, convert(value, unit, set.unit, data));
      var category = band ? band.category : unplaced(set, convert(value, unit, set.unit, data));
      counts[category] = (counts[category] || 0) + 1;
    });
    var groups = data.order.filter(function (c) { return counts[c]; });
    groups.sort(function (a, b) {
      var ka = [a !== "toxic" ? 1 : 0, data.unplaced.indexOf(a) >= 0 ? 1 : 0, -counts[a], data.order.indexOf(a)];
      var kb = [b !== "toxic" ? 1 : 0, data.unplaced.indexOf(b) >= 0 ? 1 : 0, -counts[b], data.order.indexOf(b)];
      for (var i = 0; i < ka.length; i++) { if (ka[i] !== kb[i]) return ka[i] - kb[i]; }
      return 0;
    });
    var total = counted.length, shown = show(value) + " " + unit;
    var parts = groups.map(function (category, i) {
      var count = counts[category];
      var words = data.words[category][count === 1 ? 0 : 1].replace("{value}", i === 0 ? shown : "it");
      if (i > 0) return count + " " + words;
      if (count === total) {
        var who = total === 1 ? "The only authority that sets" : total === 2 ? "Both authorities that set"
          : "All " + total + " authorities that set";
        return who + " cut-offs " + words;
      }
      return count + " of the " + total + " authorities that set cut-offs " + words;
    });
    if (parts.length > 1) parts.splice(-2, 2, parts[parts.length - 2] + " and " + parts[parts.length - 1]);
    return parts.join(", ") + ".";
  }

  /* Plain words for a result no band of the set holds: below, above or between its ranges. */
  function outside(set, inSet, unit) {
    var bands = set.bands, first = bands[0], last = bands[bands.length - 1], one = bands.length === 1;
    var yours = unit === set.unit ? "Your result " : "Your result, " + show(inSet) + " " + set.unit + " in this authority's unit, ";
    if (first.lower !== null && inSet < first.lower) {
      return yours + "is below " + (one ? "the only range" : "every range") + " it sets: " +
        (one ? "that range, " : "its lowest range, ") + first.label + ", starts at " + show(first.lower) + " " + set.unit + ".";
    }
    if (last.upper !== null && inSet >= last.upper) {
      return yours + "is above " + (one ? "the only range" : "every range") + " it sets: " +
        (one ? "that range, " : "its highest range, ") + last.label + ", ends below " + show(last.upper) + " " + set.unit + ".";
    }
    for (var i = 0; i + 1 < bands.length; i++) {
      if (bands[i].upper !== null && bands[i + 1].lower !== null && inSet >= bands[i].upper && inSet < bands[i + 1].lower) {
        return yours + "falls in a gap between two of its ranges (" + show(bands[i].upper) + " to under " +
          show(bands[i + 1].lower) + " " + set.unit + ").";
      }
    }
    return yours + "is not in any of its ranges.";
  }

  function setResult(set, value, unit, data) {
    var item = el("li", "checker-set status-" + set.status);
    item.setAttribute("data-set", set.id);
    var title = el("p", "checker-set-title");
    title.appendChild(el("strong", null, set.authority));
    title.appendChild(document.createTextNode(" "));
    title.appendChild(el("span", "set-status", set.statusText));
    item.appendChild(title);
    var line = el("p", "checker-band");
    line.setAttribute("data-claim", "");
    if (set.status === "no-thresholds") {
      line.textContent = "Endorses no cut-offs: this authority does not place results in bands.";
      cite(line, set.cites);
    } else if (!set.bands.length) {
      line.textContent = "No bands of this authority are recorded on this site.";
    } else {
      var inSet = convert(value, unit, set.unit, data);
      var band = bandOf(set, inSet);
      if (band) {
        line.appendChild(document.createTextNode("Band: "));
        line.appendChild(el("strong", "band-label", band.label));
        var range = band.range + (band.ranges[unit] ? "; " + band.ranges[unit] : "");
        line.appendChild(document.createTextNode(" (" + range + "). "));
        line.appendChild(el("span", "checker-category", data.notes[band.category]));
        if (band.meaning) line.appendChild(document.createTextNode(" " + band.meaning));
        cite(line, band.cites);
      } else {
        line.appendChild(document.createTextNode(outside(set, inSet, unit)));
        cite(line, set.cites);
      }
      line.setAttribute("data-band", band ? band.label : "");
      line.setAttribute("data-category", band ? band.category : unplaced(set, inSet));
      var cut = nearCutoff(set, inSet, data.near);
      if (cut !== null) {
        var elsewhere = boundInOthers(cut, set.unit, data);
        item.appendChild(line);
        line = el("p", "checker-near", "This is close to the cut-off of " + show(cut) + " " + set.unit +
          (elsewhere ? " (" + elsewhere + ")" : "") + ": lab rounding or unit conversion " +
          "could put the same level in the next band.");
      }
      if (set.status === "superseded") {
        item.appendChild(line);
        line = el("p", "checker-superseded", "Superseded: a later publication replaced these bands.");
      }
    }
    item.appendChild(line);
    return item;
  }

  function render(region, input, data, raw, unit) {
    region.textContent = "";
    var parsed = parse(raw, unit, data);
    if (parsed.error) {
      var error = el("p", "checker-error", parsed.error);
      error.id = "checker-error";
      region.appendChild(error);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "checker-error checker-hint");
      return;
    }
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", "checker-hint");
    var value = parsed.value;
    var heading = el("h2", "checker-result-title", "Your result: " + show(value) + " " + unit);
    heading.id = "your-result";
    region.appendChild(heading);
    if (others(unit, data).length) {
      region.appendChild(el("p", "checker-converted", show(value) + " " + unit + " is " + inOthers(value, unit, data) + "."));
    }
    if (!data.sets.length) {
      region.appendChild(el("p", "checker-empty", "No authority's thresholds are recorded on this site yet."));
      return;
    }
    var line = summary(value, unit, data);
    if (line) region.appendChild(el("p", "checker-summary", line));
    var details = el("details", "checker-details");
    details.appendChild(el("summary", null, "What each authority says, with its sources"));
    var list = el("ul", "checker-sets");
    data.sets.forEach(function (set) { list.appendChild(setResult(set, value, unit, data)); });
    details.appendChild(list);
    region.appendChild(details);
  }

  function init() {
    var form = document.getElementById("checker");
    var source = document.getElementById("checker-data");
    if (!form || !source || form.getAttribute("data-ready")) return;
    var data = JSON.parse(source.textContent);
    var input = document.getElementById("checker-value");
    var region = document.getElementById("checker-result");
    form.setAttribute("data-ready", "1");
    form.hidden = false;
    var nojs = document.getElementById("checker-nojs");
    if (nojs) nojs.hidden = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var unit = form.querySelector("input[name=unit]:checked").value;
      render(region, input, data, input.value, unit);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

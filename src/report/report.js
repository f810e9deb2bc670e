// deboil report: renders the JSON in #report-data. Everything scraped goes
// through textContent (never innerHTML). The filter state lives in the URL
// fragment (#rule=..&cat=..&q=..&page=..) so views can be linked and the
// back button works; files are rendered one page at a time.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var PAGE = 25;
  var DEC = D.plan ? ['undecided', 'accepted', 'rejected'] : ['proposed', 'accepted', 'rejected'];
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function bytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1048576).toFixed(1) + ' MiB';
  }

  // Categories, and each rule's category index.
  var cats = [];
  var catOf = D.rules.map(function (r) {
    var i = cats.indexOf(r[1]);
    if (i < 0) { i = cats.length; cats.push(r[1]); }
    return i;
  });

  // Totals for the summary and the charts.
  var perRule = D.rules.map(function () { return [0, 0]; });
  var perCat = cats.map(function () { return [0, 0]; });
  var totals = { removals: 0, bytes: 0, input: 0, changed: 0, dec: [0, 0, 0] };
  D.files.forEach(function (f) {
    totals.input += f.bi;
    if (f.r.length) totals.changed++;
    f.r.forEach(function (r) {
      totals.removals++;
      totals.bytes += r[1];
      totals.dec[r[2]]++;
      perRule[r[0]][0]++; perRule[r[0]][1] += r[1];
      perCat[catOf[r[0]]][0]++; perCat[catOf[r[0]]][1] += r[1];
    });
  });

  $('source').textContent = D.source;
  $('n-files').textContent = D.files.length;
  $('n-changed').textContent = totals.changed;
  $('n-removals').textContent = totals.removals;
  $('n-bytes').textContent = bytes(totals.bytes);
  $('n-bytes').title = totals.bytes + ' bytes';
  $('n-share').textContent = totals.input ? (100 * totals.bytes / totals.input).toFixed(1) + '%' : '–';
  if (D.plan) {
    $('decisions').hidden = false;
    $('f-dec-label').hidden = false;
    $('n-decisions').textContent = totals.dec[1] + ' / ' + totals.dec[2] + ' / ' + totals.dec[0];
  }

  function chart(box, rows, key) {
    var max = rows.reduce(function (m, r) { return Math.max(m, r[1]); }, 1);
    rows.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    rows.forEach(function (row) {
      if (!row[1]) return;
      var b = el('button', 'bar');
      b.type = 'button';
      b.dataset[key] = row[0];
      b.title = row[3] || row[0];
      b.append(el('span', 'name', row[0]));
      var track = el('span', 'track');
      var fill = el('span', 'fill');
      fill.style.width = (100 * row[1] / max).toFixed(1) + '%';
      track.append(fill);
      b.append(track, el('span', 'n', row[1]), el('span', 'b', bytes(row[2])));
      b.addEventListener('click', function () {
        var s = readState();
        var on = s[key] === row[0];
        s.rule = ''; s.cat = '';
        if (!on) s[key] = row[0];
        s.page = 1;
        go(s);
      });
      box.append(b);
    });
  }
  chart($('chart-cat'), cats.map(function (c, i) { return [c, perCat[i][0], perCat[i][1]]; }), 'cat');
  chart($('chart-rule'), D.rules.map(function (r, i) { return [r[0], perRule[i][0], perRule[i][1], r[0] + ': ' + r[2]]; }), 'rule');

  function fillSelect(sel, names) {
    names.slice().sort().forEach(function (n) {
      var o = el('option', null, n);
      o.value = n;
      sel.append(o);
    });
  }
  fillSelect($('f-rule'), D.rules.filter(function (r, i) { return perRule[i][0]; }).map(function (r) { return r[0]; }));
  fillSelect($('f-cat'), cats.filter(function (c, i) { return perCat[i][0]; }));

  // --- state in the URL fragment -------------------------------------------

  function readState() {
    var p = new URLSearchParams(location.hash.slice(1));
    return {
      rule: p.get('rule') || '', cat: p.get('cat') || '', dec: p.get('dec') || '',
      q: p.get('q') || '', all: p.get('all') === '1',
      page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
      file: p.get('file') || ''
    };
  }

  function go(s) {
    var p = new URLSearchParams();
    ['rule', 'cat', 'dec', 'q'].forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    if (s.all) p.set('all', '1');
    if (s.page > 1) p.set('page', String(s.page));
    if (s.file) p.set('file', s.file);
    var h = p.toString();
    if (location.hash.slice(1) !== h) {
      history.pushState(null, '', h ? '#' + h : location.pathname + location.search);
    }
    render();
  }

  function filtering(s) { return !!(s.rule || s.cat || s.dec); }

  function removalMatches(s, r) {
    if (s.rule && D.rules[r[0]][0] !== s.rule) return false;
    if (s.cat && cats[catOf[r[0]]] !== s.cat) return false;
    if (s.dec && DEC[r[2]] !== s.dec) return false;
    return true;
  }

  // Lower-cased searchable text per file, built on first search only.
  var hay = [];
  function haystack(i) {
    if (hay[i] === undefined) {
      var f = D.files[i];
      var parts = [f.p];
      f.h.forEach(function (h) { h[1].forEach(function (l) { parts.push(l[1]); }); });
      hay[i] = parts.join('\n').toLowerCase();
    }
    return hay[i];
  }

  function matching(s) {
    var list = [];
    var removals = 0;
    var q = s.q.toLowerCase();
    D.files.forEach(function (f, i) {
      var n = 0;
      f.r.forEach(function (r) { if (removalMatches(s, r)) n++; });
      if (filtering(s) ? n === 0 : (!s.all && f.r.length === 0)) return;
      if (q && haystack(i).indexOf(q) < 0) return;
      list.push(i);
      removals += n;
    });
    return { list: list, removals: removals };
  }

  // --- rendering -------------------------------------------------------------

  function label(f, k, s) {
    var r = f.r[k];
    var id = D.rules[r[0]][0];
    var l = el('span', 'lbl d' + r[2], id);
    l.dataset.rule = id;
    l.title = id + ' (' + D.rules[r[0]][1] + '): ' + D.rules[r[0]][2];
    if (D.plan) l.append(el('span', 'dec', ' · ' + DEC[r[2]]));
    l.addEventListener('click', function () {
      var st = readState();
      st.rule = id; st.cat = ''; st.page = 1; st.file = '';
      go(st);
    });
    return l;
  }

  function renderFile(i, s, pos, count) {
    var f = D.files[i];
    var sec = el('section', 'file');
    sec.id = 'file-' + i;
    sec.dataset.path = f.p;
    var h = el('h3');
    h.append(el('span', 'path', f.p));
    h.append(el('span', 'meta', f.r.length + ' removals · ' + bytes(f.br) + (f.bi ? ' of ' + bytes(f.bi) : '') + ' removed'));
    var nav = el('span', 'filenav');
    var prev = el('button', null, '↑');
    prev.type = 'button'; prev.title = 'Previous file (p)';
    prev.addEventListener('click', function () { step(-1, i); });
    var next = el('button', null, '↓');
    next.type = 'button'; next.title = 'Next file (n)';
    next.addEventListener('click', function () { step(1, i); });
    nav.append(prev, next);
    h.append(nav);
    sec.append(h);
    if (f.w) sec.append(el('p', 'warn', f.w));
    if (!f.h.length) sec.append(el('p', 'none', 'Nothing removed.'));
    f.h.forEach(function (hunk) {
      var lines = hunk[1];
      if (filtering(s)) {
        var any = lines.some(function (l) {
          return (l[2] >= 0 && removalMatches(s, f.r[l[2]])) ||
            l[3].some(function (m) { return removalMatches(s, f.r[m[2]]); });
        });
        if (!any) return;
      }
      var box = el('div', 'hunk');
      box.append(el('div', 'hh', hunk[0]));
      var last = -1;
      lines.forEach(function (l) {
        var tag = l[0], text = l[1], whole = l[2], marks = l[3];
        var row = el('div', 'ln ' + ['ctx', 'del', 'add'][tag]);
        row.append(el('span', 'sign', [' ', '-', '+'][tag]));
        var t = el('span', 't');
        if (tag === 1 && whole >= 0) {
          var r = f.r[whole];
          row.classList.add('d' + r[2]);
          if (filtering(s) && !removalMatches(s, r)) row.classList.add('dim');
          t.textContent = text;
          row.append(t);
          if (whole !== last) row.append(label(f, whole, s));
          last = whole;
        } else {
          if (tag === 1 && !marks.length) row.classList.add('layout');
          var at = 0;
          marks.forEach(function (m) {
            t.append(document.createTextNode(text.slice(at, m[0])));
            var r = f.r[m[2]];
            var mark = el('mark', 'd' + r[2], text.slice(m[0], m[1]));
            if (filtering(s) && !removalMatches(s, r)) mark.classList.add('dim');
            t.append(mark, label(f, m[2], s));
            at = m[1];
          });
          t.append(document.createTextNode(text.slice(at)));
          row.append(t);
        }
        box.append(row);
      });
      sec.append(box);
    });
    return sec;
  }

  var current = { list: [], page: 1, pages: 1 };

  function render() {
    var s = readState();
    $('f-rule').value = s.rule;
    $('f-cat').value = s.cat;
    $('f-dec').value = s.dec;
    if (document.activeElement !== $('f-q')) $('f-q').value = s.q;
    $('f-all').checked = s.all;
    document.querySelectorAll('.bar').forEach(function (b) {
      b.classList.toggle('on', (b.dataset.rule && b.dataset.rule === s.rule) || (b.dataset.cat && b.dataset.cat === s.cat));
    });
    var m = matching(s);
    var pages = Math.max(1, Math.ceil(m.list.length / PAGE));
    var page = Math.min(s.page, pages);
    current = { list: m.list, page: page, pages: pages };
    $('shown-files').textContent = m.list.length;
    $('shown-removals').textContent = filtering(s) ? m.removals :
      m.list.reduce(function (n, i) { return n + D.files[i].r.length; }, 0);
    $('page-info').textContent = 'page ' + page + ' of ' + pages;
    $('prev-page').disabled = page <= 1;
    $('next-page').disabled = page >= pages;
    var files = $('files');
    var index = $('file-list');
    files.replaceChildren();
    index.replaceChildren();
    index.start = (page - 1) * PAGE + 1;
    var slice = m.list.slice((page - 1) * PAGE, page * PAGE);
    slice.forEach(function (i, k) {
      files.append(renderFile(i, s, (page - 1) * PAGE + k, m.list.length));
      var li = el('li');
      var b = el('button', null, D.files[i].p);
      b.type = 'button';
      b.title = D.files[i].p;
      b.addEventListener('click', function () { show(i); });
      li.append(b);
      index.append(li);
    });
    if (!slice.length) files.append(el('p', 'none', 'No file matches.'));
    if (s.file !== '') {
      var target = $('file-' + s.file);
      if (target) { mark(target); target.scrollIntoView(); }
    }
  }

  function mark(sec) {
    document.querySelectorAll('.file.current').forEach(function (x) { x.classList.remove('current'); });
    sec.classList.add('current');
  }

  function show(i) {
    var sec = $('file-' + i);
    if (sec) { mark(sec); sec.scrollIntoView(); }
  }

  // The next or previous file in the filtered list, across pages.
  function step(dir, from) {
    var list = current.list;
    var at = list.indexOf(from);
    if (at < 0) {
      var cur = document.querySelector('.file.current');
      at = cur ? list.indexOf(parseInt(cur.id.slice(5), 10)) : -1;
    }
    if (!list.length) return;
    // With no current file, start at the top of the page shown.
    var to = at < 0 ? (current.page - 1) * PAGE : Math.min(list.length - 1, Math.max(0, at + dir));
    var page = Math.floor(to / PAGE) + 1;
    if (page !== current.page) {
      var s = readState();
      s.page = page; s.file = String(list[to]);
      go(s);
    } else {
      show(list[to]);
    }
  }

  // --- controls --------------------------------------------------------------

  function change(patch) {
    var s = readState();
    Object.keys(patch).forEach(function (k) { s[k] = patch[k]; });
    s.page = 1; s.file = '';
    go(s);
  }
  $('f-rule').addEventListener('change', function (e) { change({ rule: e.target.value }); });
  $('f-cat').addEventListener('change', function (e) { change({ cat: e.target.value }); });
  $('f-dec').addEventListener('change', function (e) { change({ dec: e.target.value }); });
  $('f-all').addEventListener('change', function (e) { change({ all: e.target.checked }); });
  var timer = null;
  $('f-q').addEventListener('input', function (e) {
    clearTimeout(timer);
    var v = e.target.value;
    timer = setTimeout(function () { change({ q: v }); }, 150);
  });
  $('f-clear').addEventListener('click', function () {
    change({ rule: '', cat: '', dec: '', q: '', all: false });
  });
  $('prev-page').addEventListener('click', function () {
    var s = readState(); s.page = current.page - 1; s.file = ''; go(s); window.scrollTo(0, 0);
  });
  $('next-page').addEventListener('click', function () {
    var s = readState(); s.page = current.page + 1; s.file = ''; go(s); window.scrollTo(0, 0);
  });
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'n') step(1, -1);
    else if (e.key === 'p') step(-1, -1);
    else if (e.key === '/') { e.preventDefault(); $('f-q').focus(); }
  });
  window.addEventListener('popstate', render);
  window.addEventListener('hashchange', render);
  render();
})();

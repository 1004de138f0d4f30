/* mawjaz: small enhancements for readers. Every page works without them: the toggle and the
   copy buttons stay hidden, filter boxes stay hidden and every row stays listed, tables keep
   the order the build gave them. No inline script anywhere (the pages' CSP forbids it). */
(function () {
  'use strict';
  var KEY = 'mawjaz-theme';
  var root = document.documentElement;

  function systemDark() {
    return !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  }

  function currentDark() {
    var chosen = root.getAttribute('data-theme');
    return chosen ? chosen === 'dark' : systemDark();
  }

  function setupToggle() {
    var button = document.getElementById('theme-toggle');
    if (!button) return;
    button.hidden = false;
    var show = function () { button.setAttribute('aria-pressed', currentDark() ? 'true' : 'false'); };
    show();
    button.addEventListener('click', function () {
      var next = currentDark() ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* kept for this page only */ }
      show();
    });
  }

  function copyText(input, status) {
    var done = function () { if (status) status.textContent = status.getAttribute('data-done') || ''; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      try { if (document.execCommand('copy')) done(); } catch (e) { /* the text stays selected */ }
    }
  }

  function setupCopy() {
    var buttons = document.querySelectorAll('.copy-button[data-copy]');
    Array.prototype.forEach.call(buttons, function (button) {
      var input = document.getElementById(button.getAttribute('data-copy'));
      if (!input) return;
      var status = button.parentNode.querySelector('.copied');
      button.hidden = false;
      button.addEventListener('click', function () { copyText(input, status); });
      input.addEventListener('focus', function () { input.select(); });
    });
  }

  /* The text a filter matches on: lower case, no tashkeel or tatweel, one alef, so "احمد"
     finds "أحمد" (a short form of the build's own normalisation). */
  function fold(text) {
    return (text || '').toLowerCase()
      .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
      .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
      .replace(/\u0629/g, '\u0647').replace(/\u0649/g, '\u064A')
      .replace(/\s+/g, ' ').trim();
  }

  function setupFilters() {
    var boxes = document.querySelectorAll('.filter[data-filter]');
    Array.prototype.forEach.call(boxes, function (box) {
      var scope = document.getElementById(box.getAttribute('data-filter'));
      var input = box.querySelector('input');
      if (!scope || !input) return;
      box.hidden = false;
      var items = scope.querySelectorAll('[data-filter-item]');
      var groups = scope.querySelectorAll('[data-filter-group]');
      input.addEventListener('input', function () {
        var wanted = fold(input.value);
        Array.prototype.forEach.call(items, function (item) {
          item.hidden = wanted !== '' && fold(item.textContent).indexOf(wanted) < 0;
        });
        Array.prototype.forEach.call(groups, function (group) {
          var shown = group.querySelectorAll('[data-filter-item]:not([hidden])').length;
          group.hidden = shown === 0;
        });
      });
    });
  }

  function sortRows(by) {
    var lang = root.getAttribute('lang') || undefined;
    var bodies = document.querySelectorAll('table.sortable tbody');
    Array.prototype.forEach.call(bodies, function (body) {
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var byName = (a.getAttribute('data-name') || '').localeCompare(b.getAttribute('data-name') || '', lang);
        if (by === 'name') return byName;
        return (Number(b.getAttribute('data-count')) - Number(a.getAttribute('data-count'))) || byName;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  }

  function setupSort() {
    var controls = document.querySelector('.sort-controls');
    if (!controls) return;
    controls.hidden = false;
    var buttons = controls.querySelectorAll('.sort-button');
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener('click', function () {
        sortRows(button.getAttribute('data-sort'));
        Array.prototype.forEach.call(buttons, function (other) {
          other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
        });
      });
    });
  }

  function start() {
    setupToggle();
    setupCopy();
    setupFilters();
    setupSort();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());

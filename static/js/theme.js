/* mawjaz: the reader's colour scheme, applied before the page is painted.
   Loaded in <head> without defer (it is a few bytes), so a reader who chose dark never
   sees a light flash. Without a saved choice the stylesheet follows the system
   (prefers-color-scheme); static/js/reader.js draws the toggle that saves one. */
(function () {
  'use strict';
  try {
    var saved = window.localStorage.getItem('mawjaz-theme');
    if (saved === 'dark' || saved === 'light') {
      document.documentElement.setAttribute('data-theme', saved);
    }
  } catch (e) {
    /* storage refused (private mode, blocked cookies): follow the system */
  }
}());

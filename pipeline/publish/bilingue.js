// The HTML edition's behaviour. Runs in <head>, so a saved language choice applies before
// the page is drawn.
(function () {
  'use strict';
  var KEY = 'bilingue-edition';
  var CHOICES = ['fr', 'both', 'en'];
  var root = document.documentElement;
  root.classList.add('js');
  try {
    var saved = localStorage.getItem(KEY);
    if (CHOICES.indexOf(saved) >= 0) root.setAttribute('data-edition', saved);
  } catch (e) { /* storage refused (private mode): the choice lasts for this page only */ }

  function visibleSentences() {
    return Array.prototype.filter.call(document.querySelectorAll('.seg'), function (s) {
      return s.getClientRects().length > 0;
    });
  }

  // One Tab stop for the whole text: the current sentence, then its glossary terms; the
  // arrow keys change the current sentence (a roving tabindex), so the page does not
  // have hundreds of Tab stops.
  function makeCurrent(sentence) {
    document.querySelectorAll('.seg, .seg a.term').forEach(function (s) { s.tabIndex = -1; });
    if (!sentence) return;
    sentence.tabIndex = 0;
    sentence.querySelectorAll('a.term').forEach(function (a) { a.tabIndex = 0; });
  }

  function resetTabStop() {
    makeCurrent(visibleSentences()[0]);
  }

  function show(edition, remember) {
    root.setAttribute('data-edition', edition);
    if (remember) {
      try { localStorage.setItem(KEY, edition); } catch (e) { /* see above */ }
    }
    document.querySelectorAll('.edition button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-show') === edition));
    });
    resetTabStop();
  }

  // Hover and focus keep separate classes, so leaving one does not undo the other.
  function light(event, cause, on) {
    var sentence = event.target.closest && event.target.closest('.seg');
    if (!sentence) return;
    sentence.classList.toggle('lit-' + cause, on);
    var twin = document.getElementById(sentence.getAttribute('data-twin'));
    if (twin) twin.classList.toggle('twin-' + cause, on);
  }

  // Up and Down: previous and next sentence in the same language; Left and Right: the twin.
  function move(event) {
    var sentence = event.target.closest && event.target.closest('.seg');
    if (!sentence) return;
    var target = null;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      target = document.getElementById(sentence.getAttribute('data-twin'));
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      var lang = sentence.id.slice(0, 2);
      var same = visibleSentences().filter(function (s) { return s.id.slice(0, 2) === lang; });
      target = same[same.indexOf(sentence) + (event.key === 'ArrowDown' ? 1 : -1)];
    }
    if (!target || !target.getClientRects().length) return;
    event.preventDefault();
    makeCurrent(target);
    target.focus();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.edition button').forEach(function (b) {
      b.addEventListener('click', function () { show(b.getAttribute('data-show'), true); });
    });
    show(root.getAttribute('data-edition'), false);
    document.addEventListener('mouseover', function (e) { light(e, 'hover', true); });
    document.addEventListener('mouseout', function (e) { light(e, 'hover', false); });
    document.addEventListener('focusin', function (e) {
      light(e, 'focus', true);
      if (e.target.classList.contains('seg')) makeCurrent(e.target);
    });
    document.addEventListener('focusout', function (e) { light(e, 'focus', false); });
    document.addEventListener('keydown', move);
  });
})();

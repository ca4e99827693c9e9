// Progressive enhancement only: the page works without it. Copy-link button for sharing.
(function () {
  function copyFrom(button) {
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) return;
    var done = function () { button.textContent = "✔"; };
    var fallback = function () {
      input.select();
      try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
      done();
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  }
  var buttons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { copyFrom(this); });
  }
})();

// Progressive enhancement only: the page works without it. Copy-link button for sharing.
(function () {
  var buttons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (event) {
      var input = document.querySelector(event.currentTarget.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () { event.currentTarget && (event.target.textContent = "✔"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else { document.execCommand("copy"); done(); }
    });
  }
})();

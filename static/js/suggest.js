// Search-as-you-type: fills the box's <datalist> from the suggest API. Without it the form
// still submits normally.
(function () {
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.XMLHttpRequest) return;
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null, last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === last) return;
      last = q;
      var xhr = new XMLHttpRequest();
      xhr.open("GET", input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q));
      xhr.onload = function () {
        if (xhr.status !== 200) return;
        var data = JSON.parse(xhr.responseText);
        list.innerHTML = "";
        for (var i = 0; i < data.suggestions.length; i++) {
          var option = document.createElement("option");
          option.value = data.suggestions[i];
          list.appendChild(option);
        }
      };
      xhr.send();
    }, 150);
  });
})();

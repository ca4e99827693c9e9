// Draws every dashboard figure: each <div data-figure="ID"> gets the plotly JSON of the
// <script type="application/json" id="ID"> the server rendered beside it.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-hans";
  var chinese = lang.toLowerCase().indexOf("zh") === 0;
  if (chinese && window.Plotly) {
    // plotly.js ships no locale files in the Python package; this is the part the charts use.
    window.Plotly.register({
      moduleType: "locale",
      name: "zh-CN",
      dictionary: {
        "Autoscale": "自动缩放",
        "Box Select": "矩形选择",
        "Download plot as a png": "下载图表为 PNG",
        "Lasso Select": "套索选择",
        "Pan": "平移",
        "Reset axes": "重置坐标轴",
        "Zoom": "缩放",
        "Zoom in": "放大",
        "Zoom out": "缩小",
        "Double-click to zoom back out": "双击恢复原状",
        "Click to enter Colorscale title": "点击输入色标标题",
        "Click to enter X axis title": "点击输入 X 轴标题",
        "Click to enter Y axis title": "点击输入 Y 轴标题"
      },
      format: {
        days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        months: ["一月", "二月", "三月", "四月", "五月", "六月",
                 "七月", "八月", "九月", "十月", "十一月", "十二月"],
        shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月",
                      "7月", "8月", "9月", "10月", "11月", "12月"],
        date: "%Y-%m-%d",
        year: "%Y年",
        month: "%Y年%-m月",
        dayMonth: "%-m月%-d日",
        dayMonthYear: "%Y年%-m月%-d日"
      }
    });
  }
  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var source = document.getElementById(div.getAttribute("data-figure"));
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(div, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        locale: chinese ? "zh-CN" : "en"
      });
    });
  }
  // The admin loads scripts in <head>: wait for the figures' elements.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

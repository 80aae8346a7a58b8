/* The app's pages: register the service worker (scope /app/), and on the nearby page ask the
   browser for the position, then load the page again with it (the list is drawn by the
   server, the same search as the API's /api/v1/app/outlets/nearby). No inline script (CSP). */
"use strict";
(function () {
  const script = document.getElementById("app-script");
  if ("serviceWorker" in navigator && script) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: script.dataset.scope }).catch(() => {});
  }
  const button = document.getElementById("locate");
  const form = document.getElementById("nearby-form");
  if (!button || !form || !("geolocation" in navigator)) return;
  const status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = "正在定位… / Finding your position…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        document.getElementById("nearby-lat").value = position.coords.latitude.toFixed(6);
        document.getElementById("nearby-lng").value = position.coords.longitude.toFixed(6);
        document.getElementById("nearby-crs").value = "wgs84"; /* the W3C API reports WGS-84 */
        form.submit();
      },
      () => {
        status.textContent = "无法获取位置，请输入坐标 / The position is not available: type the coordinates";
        form.querySelector("details").open = true;
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
    );
  });
})();

// Fill the check-in form with the phone's location (no inline script: the page's CSP allows only our files).
(function () {
  var script = document.currentScript;
  var lat = document.querySelector("#check-in-form input[name=latitude]");
  var lon = document.querySelector("#check-in-form input[name=longitude]");
  var status = document.getElementById("geo-status");
  if (!lat || !lon || !navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (position) {
    lat.value = position.coords.latitude.toFixed(6);
    lon.value = position.coords.longitude.toFixed(6);
    if (status) { status.textContent = script.dataset.found; }
  }, function () {
    if (status) { status.textContent = script.dataset.denied; }
  }, {enableHighAccuracy: true, timeout: 15000});
})();

// "Use this phone's location" on the household survey: fills the latitude and longitude from
// the phone's position. Without this script (or without permission) they are typed, or the
// place is written in words.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var lat = document.getElementById("f-latitude");
  var lon = document.getElementById("f-longitude");
  if (!button || !lat || !lon || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (where) {
      lat.value = where.coords.latitude.toFixed(5);
      lon.value = where.coords.longitude.toFixed(5);
      button.disabled = false;
    }, function () {
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
}());

/* The home page's "use my location": opens the report form with the pin where the phone is. */
"use strict";

(function () {
  var button = document.getElementById("home-my-location");
  var problem = document.getElementById("home-location-problem");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    problem.hidden = true;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var url = new URL(button.dataset.reportUrl, window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(7));
        url.searchParams.set("lon", position.coords.longitude.toFixed(7));
        window.location.assign(url.toString());
      },
      function () {
        button.disabled = false;
        problem.hidden = false;
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();

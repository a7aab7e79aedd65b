// Badge check-in: an optional camera scanner for the scan page.
// A hand-held scanner types the code and Enter into the field, which needs no script. Where
// the browser offers the BarcodeDetector API and a camera, this adds a "Scan with the camera"
// button that reads the badge's QR code and submits the form; elsewhere nothing changes.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("scan-form");
    var box = document.getElementById("scan-camera");
    if (!form || !box) return;
    var input = form.querySelector("input[name=code]");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) {
      return;
    }
    var startButton = document.getElementById("scan-camera-start");
    var stopButton = document.getElementById("scan-camera-stop");
    var video = document.getElementById("scan-video");
    var status = document.getElementById("scan-camera-status");
    var stream = null;
    var detector = null;
    var timer = null;

    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") === -1) return;
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      box.hidden = false;
    }).catch(function () { /* no detector: the typed field still works */ });

    function stop() {
      if (timer) window.clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
      status.textContent = "";
    }

    function scan() {
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          input.value = codes[0].rawValue;
          stop();
          form.submit();
          return;
        }
        timer = window.setTimeout(scan, 250);
      }).catch(function () {
        timer = window.setTimeout(scan, 500);
      });
    }

    startButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          stopButton.hidden = false;
          startButton.hidden = true;
          status.textContent = startButton.dataset.scanning || "";
          return video.play();
        })
        .then(scan)
        .catch(function () {
          stop();
          status.textContent = startButton.dataset.denied || "";
        });
    });
    stopButton.addEventListener("click", stop);
    window.addEventListener("pagehide", stop);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

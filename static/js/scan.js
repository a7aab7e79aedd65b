// Badge check-in: an optional camera scanner for the scan page.
// A hand-held scanner types the code and Enter into the field, which needs no script. Where
// the browser has a camera, this adds a "Scan with the camera" button that reads the badge's
// QR code and sends the form: with the browser's BarcodeDetector where it reads QR codes, and
// elsewhere with the vendored decoder (js/vendor/jsQR.js), loaded with the page so that it is
// at hand without a connection.
(function () {
  "use strict";

  // Frames are scaled down to this many pixels on their longer side: decoding time grows with
  // the pixels, and a badge held up to the camera stays readable.
  var FRAME_SIDE = 640;

  function loadDecoder(url) {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) {
        resolve();
        return;
      }
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function start() {
    var form = document.getElementById("scan-form");
    var box = document.getElementById("scan-camera");
    if (!form || !box) return;
    var input = form.querySelector("input[name=code]");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    var startButton = document.getElementById("scan-camera-start");
    var stopButton = document.getElementById("scan-camera-stop");
    var video = document.getElementById("scan-video");
    var status = document.getElementById("scan-camera-status");
    var stream = null;
    var timer = null;
    var read = null; // () => Promise of the text of a QR code in view, or null

    function detectorReader(detector) {
      return function () {
        return detector.detect(video).then(function (codes) {
          return codes.length && codes[0].rawValue ? codes[0].rawValue : null;
        });
      };
    }

    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });

    function decoderReader() {
      var width = video.videoWidth;
      var height = video.videoHeight;
      if (!width || !height) return Promise.resolve(null);
      var scale = Math.min(1, FRAME_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(frame.data, frame.width, frame.height,
        { inversionAttempts: "dontInvert" });
      return Promise.resolve(code && code.data ? code.data : null);
    }

    function useDecoder() {
      loadDecoder(box.dataset.decoder).then(function () {
        read = decoderReader;
        box.hidden = false;
      }).catch(function () { /* no decoder: the typed field still works */ });
    }

    if ("BarcodeDetector" in window) {
      window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") === -1) {
          useDecoder();
          return;
        }
        read = detectorReader(new window.BarcodeDetector({ formats: ["qr_code"] }));
        box.hidden = false;
      }).catch(useDecoder);
    } else {
      useDecoder();
    }

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
      read().then(function (text) {
        if (text) {
          input.value = text;
          stop();
          // requestSubmit fires the submit event, which the offline queue listens to.
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
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

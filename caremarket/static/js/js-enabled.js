// Runs before the page paints so components hide their no-JavaScript fallbacks.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");

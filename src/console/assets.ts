import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import { bundleScript } from "./bundle-script.ts" with { type: "macro" };
import consoleCss from "./web/console.css" with { type: "text" };

/** A file the console page loads, under a name that changes with its content (so it may be cached for good). */
export interface ConsoleAsset {
  path: string;
  type: string;
  body: string;
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f172a"/><circle cx="16" cy="16" r="8" fill="none" stroke="#60a5fa" stroke-width="4"/></svg>`;

const asset = (name: string, extension: string, type: string, body: string): ConsoleAsset => ({
  path: `/console/assets/${name}-${Bun.hash(body).toString(36)}.${extension}`,
  type,
  body,
});

/** Embedded in the binary: the page needs nothing from the network but its own origin. */
export const consoleAssets = {
  script: asset("console", "js", "text/javascript; charset=utf-8", bundleScript("./web/main.ts")),
  style: asset("console", "css", "text/css; charset=utf-8", `${uplotCss}\n${consoleCss}`),
  icon: asset("icon", "svg", "image/svg+xml", ICON),
};

/** The page: nothing inline (the CSP allows none), the assets by their content-named paths. */
export const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenToken console</title>
<link rel="icon" href="${consoleAssets.icon.path}">
<link rel="stylesheet" href="${consoleAssets.style.path}">
<script type="module" src="${consoleAssets.script.path}"></script>
</head>
<body><noscript>The OpenToken console needs JavaScript.</noscript></body>
</html>
`;

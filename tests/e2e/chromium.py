"""How the browser tests start Chromium (tests/e2e/conftest.py, the session-timeout test).

Chromium honours only the last `--disable-features` on its command line, and Playwright
puts its own list first: a flag of ours would silently undo Playwright's. So ours repeats
Playwright's list (PLAYWRIGHT_DISABLED_FEATURES, as its launcher has it; a test fails when
Playwright disables a feature this copy lacks: tests/e2e/test_chromium_flags.py) and adds
one feature:

- RenderDocument: with it, every navigation, even within the site, builds a new frame in
  the renderer. Without it a page load costs Chromium about a fifth less CPU, the largest
  single cost of the browser tests (measured: 81 -> 63 ms per page on this app's pages).
"""

PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
OUR_DISABLED_FEATURES = ["RenderDocument"]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + OUR_DISABLED_FEATURES),
]


def disabled_features(command_line: list[str]) -> list[set[str]]:
    """Each `--disable-features` list on a command line, in order (Chromium keeps the last)."""
    prefix = "--disable-features="
    return [
        set(filter(None, arg[len(prefix) :].split(",")))
        for arg in command_line
        if arg.startswith(prefix)
    ]

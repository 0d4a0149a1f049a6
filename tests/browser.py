"""Headless Chromium for the report tests: the system's browser and driver, never a download."""

from __future__ import annotations

import shutil
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)


def find() -> tuple[str | None, str | None, str]:
    """``(browser, driver, reason)``: paths of a browser and its driver, or why there are none."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None, None, "selenium is not installed (pip install 'strategic-triangle[test]')"
    browser = next((p for p in map(shutil.which, BROWSERS) if p), None)
    driver = next((p for p in map(shutil.which, DRIVERS) if p), None)
    if browser is None or driver is None:
        return browser, driver, ("no Chromium and chromedriver on PATH (Debian: apt-get install "
                                 "chromium chromium-driver; `make browser` does it)")
    return browser, driver, ""


def start(browser: str, driver: str, width: int = 1200, height: int = 900) -> Any:
    """A headless Chromium session that records console messages and network requests."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--allow-file-access-from-files"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)

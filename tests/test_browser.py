"""The HTML edition and an EPUB chapter in a real browser: Debian's headless Chromium,
driven by selenium through Debian's chromedriver (`make deps` installs both). Screenshots
go to output/screenshots/ for a person to look at."""
import shutil
import zipfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .conftest import ROOT

SCREENSHOTS = ROOT / "output" / "screenshots"
ARTICLE = "002_b6be96e92687f2c0.html"  # has headings, a list and a quote attribution
NO_COLOUR = "rgba(0, 0, 0, 0)"


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, "Debian's chromium and chromium-driver are needed: run `make deps` as root"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def viewport(driver, width: int, height: int, mobile: bool = False) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def open_page(driver, url: str, width: int, height: int = 900, mobile: bool = False) -> None:
    viewport(driver, width, height, mobile)
    driver.get(url)
    driver.execute_script("localStorage.clear(); document.documentElement.setAttribute('data-edition', 'both')")
    driver.get(url)


def rect(element) -> dict:
    return element.parent.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)


def style(element, name: str) -> str:
    return element.parent.execute_script("return getComputedStyle(arguments[0])[arguments[1]]", element, name)


def first_body_row(driver):
    row = driver.find_elements(By.CSS_SELECTOR, "main .row:not(.title-row)")[0]
    return row.find_element(By.CSS_SELECTOR, ".cell.fr"), row.find_element(By.CSS_SELECTOR, ".cell.en")


def test_two_columns_on_a_desktop_stacked_on_a_phone(browser, built):
    out, _ = built
    url = (out / "html" / ARTICLE).as_uri()
    open_page(browser, url, 1366)
    fr, en = first_body_row(browser)
    assert browser.execute_script("return innerWidth") == 1366
    assert abs(rect(fr)["top"] - rect(en)["top"]) < 2 and rect(en)["left"] > rect(fr)["right"]
    browser.save_screenshot(str(SCREENSHOTS / "html-desktop.png"))

    open_page(browser, url, 390, 844, mobile=True)
    fr, en = first_body_row(browser)
    assert rect(en)["top"] >= rect(fr)["bottom"] - 1 and abs(rect(en)["left"] - rect(fr)["left"]) < 20
    assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth")
    assert rect(browser.find_element(By.CSS_SELECTOR, ".edition"))["right"] <= 390
    browser.save_screenshot(str(SCREENSHOTS / "html-phone.png"))


def twin_of(driver, sentence):
    return driver.find_element(By.ID, sentence.get_attribute("data-twin"))


def test_hover_and_keyboard_focus_light_the_twin(browser, built):
    out, _ = built
    open_page(browser, (out / "html" / ARTICLE).as_uri(), 1366)
    french = browser.find_elements(By.CSS_SELECTOR, "main .cell.fr .seg")
    target = french[3]
    ActionChains(browser).move_to_element(target).perform()
    twin = twin_of(browser, target)
    assert "twin-hover" in twin.get_attribute("class") and style(twin, "backgroundColor") != NO_COLOUR
    ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "footer")).perform()
    assert style(twin, "backgroundColor") == NO_COLOUR

    # The text is one Tab stop: Tab reaches the first sentence after the page's controls.
    assert browser.execute_script("return [...document.querySelectorAll('.seg')].filter(s => s.tabIndex >= 0).length") == 1
    for presses in range(1, 12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if "seg" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    assert presses == 7  # skip link, Contents, Glossary, three language buttons, then the text
    focused = browser.switch_to.active_element
    assert focused.get_attribute("id") == french[0].get_attribute("id")
    twin = twin_of(browser, focused)
    assert "twin-focus" in twin.get_attribute("class") and style(twin, "backgroundColor") != NO_COLOUR
    # Focus is an outline, the twin a background: the two never look alike.
    assert style(focused, "outlineStyle") == "solid" and style(twin, "outlineStyle") == "none"

    focused.send_keys(Keys.ARROW_DOWN)
    second = browser.switch_to.active_element
    assert second.get_attribute("id") == french[1].get_attribute("id")
    assert "twin-focus" in twin_of(browser, second).get_attribute("class")
    assert "twin-focus" not in twin.get_attribute("class")
    second.send_keys(Keys.ARROW_RIGHT)
    assert browser.switch_to.active_element.get_attribute("id") == second.get_attribute("data-twin")


def test_edition_control_shows_one_language_and_is_remembered_across_pages(browser, built):
    out, _ = built
    open_page(browser, (out / "html" / ARTICLE).as_uri(), 1366)
    fr, en = first_body_row(browser)
    assert fr.is_displayed() and en.is_displayed()
    column = rect(en)["width"]
    browser.find_element(By.CSS_SELECTOR, ".edition button[data-show='en']").click()
    assert not fr.is_displayed() and en.is_displayed()
    assert column < rect(en)["width"] <= 46 * 16  # one column, at a readable line length
    browser.save_screenshot(str(SCREENSHOTS / "html-english.png"))

    browser.find_element(By.CSS_SELECTOR, "nav.pager a[rel='next']").click()
    assert browser.execute_script("return document.documentElement.dataset.edition") == "en"
    fr, en = first_body_row(browser)
    assert not fr.is_displayed() and en.is_displayed()
    pressed = browser.find_element(By.CSS_SELECTOR, ".edition button[aria-pressed='true']")
    assert pressed.get_attribute("data-show") == "en"
    browser.find_element(By.CSS_SELECTOR, ".edition button[data-show='fr']").click()
    assert fr.is_displayed() and not en.is_displayed()
    browser.find_element(By.CSS_SELECTOR, ".edition button[data-show='both']").click()
    assert fr.is_displayed() and en.is_displayed()


def test_epub_chapter_sets_the_english_apart_at_600px(browser, built, tmp_path):
    out, _ = built
    with zipfile.ZipFile(out / "bilingue.epub") as epub:
        epub.extractall(tmp_path)
    chapter = next(p for p in sorted((tmp_path / "EPUB" / "text").glob("ch*.xhtml"))
                   if "<ul>" in p.read_text(encoding="utf-8"))
    viewport(browser, 600, 900)
    browser.get(chapter.as_uri())
    english = browser.find_elements(By.CSS_SELECTOR, "div.en[lang='en']")[0]
    assert style(english, "fontStyle") == "italic" and style(english, "borderLeftStyle") == "solid"
    items = browser.find_elements(By.CSS_SELECTOR, "ul > li")
    assert len(items) >= 2 and all(len(li.find_elements(By.CSS_SELECTOR, "div[lang]")) == 2 for li in items)
    browser.save_screenshot(str(SCREENSHOTS / "epub-chapter.png"))
    browser.execute_script("arguments[0].scrollIntoView()", items[0])
    browser.save_screenshot(str(SCREENSHOTS / "epub-chapter-list.png"))


# Every element with its own text: its colour and the first opaque background behind it.
TEXT_COLOURS = """
const opaque = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
  if (c !== 'rgba(0, 0, 0, 0)') return c; } return 'rgb(255, 255, 255)'; };
return [...document.querySelectorAll('body *')].filter(e => e.getClientRects().length &&
  [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => [e.tagName + '.' + e.className, getComputedStyle(e).color, opaque(e)]);
"""


def hex_colour(css: str) -> str:
    red, green, blue = (int(float(x)) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_meets_wcag_aa_contrast_in_light_and_dark(browser, built, scheme):
    from pipeline.publish.meta import contrast

    out, _ = built
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    try:
        for page in ("index.html", ARTICLE, "glossaire.html"):
            open_page(browser, (out / "html" / page).as_uri(), 1366)
            checked = browser.execute_script(TEXT_COLOURS)
            assert len(checked) > 10
            for what, colour, background in checked:
                ratio = contrast(hex_colour(colour), hex_colour(background))
                assert ratio >= 4.5, f"{page} {what}: {colour} on {background} is {ratio:.2f}:1"
        browser.save_screenshot(str(SCREENSHOTS / f"html-{scheme}-glossary.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_print_shows_the_text_without_controls(browser, built):
    out, _ = built
    open_page(browser, (out / "html" / ARTICLE).as_uri(), 1366)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        fr, en = first_body_row(browser)
        assert fr.is_displayed() and en.is_displayed()
        for selector in ("header.site", "nav.pager", ".hint"):
            assert not browser.find_element(By.CSS_SELECTOR, selector).is_displayed(), selector
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

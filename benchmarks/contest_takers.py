"""The people of the load benchmark: quiz takers and judges.

A taker identifies, answers every question of the paper and hands in, either in a Chromium page
(Playwright) or through the page's kernel websocket (``voila_client``); a judge reloads the
leaderboard in Chromium. Each keeps what it measured, and what went wrong, on itself.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from voila_client import REF, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
WAIT_MS = 180_000  # any single step of a page, under load
SAVED = re.compile(r"Đã lưu câu trả lời lúc (\d\d:\d\d:\d\d)")
OPTION = ".widget-radio-box label, .widget-checkbox label.widget-label-basic, .widget-text input"
# Before an answer: resolve with the time from the triggering click or key to the page showing a
# new confirmation (or refusal) from the kernel. Event timestamps share performance.now()'s clock.
ARM = """(previous) => {
  window.__hoctapSaved = new Promise((resolve) => {
    let start = null;
    const began = (event) => { if (start === null) start = event.timeStamp; };
    const check = () => {
      const shown = [...document.querySelectorAll('p.ok, p.error')].pop();
      if (start === null || !shown || shown.innerText === previous) return;
      observer.disconnect();
      document.removeEventListener('click', began, true);
      document.removeEventListener('keydown', began, true);
      resolve({ms: performance.now() - start, text: shown.innerText,
               refused: shown.classList.contains('error')});
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    document.addEventListener('click', began, true);
    document.addEventListener('keydown', began, true);
  });
}"""


@dataclass
class Taker:
    """One participant's run, as the browser saw it."""

    code: str
    tail: str
    client: str = "socket"
    """"socket" (the widget protocol over the kernel's websocket) or "Chromium" (a real page)."""
    ready: float | None = None
    """Seconds from asking for the page to the identification form (Chromium: visible;
    socket: the page's HTML, the kernel's websocket and every widget's state received)."""
    entered: float | None = None
    """Seconds from "Vào thi" to the first question."""
    saves: list[float] = field(default_factory=list)
    """Seconds from each answer to the kernel's "Đã lưu câu trả lời lúc …" (Chromium: from the
    click or Enter to the text in the page; socket: from sending the widget's new state to
    receiving the message widget's update)."""
    moves: list[float] = field(default_factory=list)
    """Seconds from "Câu sau →" to the next question shown."""
    handed_in: float | None = None
    """Seconds from the confirming "Nộp bài" to the result."""
    chosen: list[str] = field(default_factory=list)
    error: str | None = None


async def wait_next_second(previous: str) -> None:
    """Two saves in the same second show the same text: answer only in a later second."""
    from hoctap.settings import ZONE

    match = SAVED.search(previous)
    while match and datetime.now(ZONE).strftime("%H:%M:%S") == match.group(1):
        await asyncio.sleep(1.02 - time.time() % 1)


async def answer(page: Any, taker: Taker, rng: random.Random, previous: str) -> str:
    """Answer the question on screen; returns the confirmation the page shows."""
    await page.locator(OPTION).first.wait_for()
    radios = page.locator(".widget-radio-box label")
    boxes = page.locator(".widget-checkbox label.widget-label-basic")
    await wait_next_second(previous)
    await page.evaluate(ARM, previous)
    if await radios.count():
        option = radios.nth(rng.randrange(await radios.count()))
        taker.chosen.append(await option.inner_text())
        await option.click()
    elif await boxes.count():
        option = boxes.nth(rng.randrange(await boxes.count()))
        taker.chosen.append(await option.inner_text())
        await option.click()
    else:
        guess = str(rng.randrange(100, 5000))
        taker.chosen.append(guess)
        field_ = page.locator(".widget-text input")
        await field_.fill(guess)
        await field_.press("Enter")
    saved = await page.evaluate("window.__hoctapSaved")
    if saved["refused"] or not SAVED.search(saved["text"]):
        raise RuntimeError(f"answer {len(taker.chosen)} not saved: {saved['text']}")
    taker.saves.append(saved["ms"] / 1000)
    return str(saved["text"])


async def take_contest(browser: Any, url: str, taker: Taker, questions: int, think: float) -> None:
    """Identify, answer every question, hand in; errors are kept on the taker, not raised."""
    rng = random.Random(taker.code)
    context = await browser.new_context()
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    try:
        started = time.perf_counter()
        await page.goto(url, wait_until="commit")
        code = page.get_by_placeholder("ví dụ: hv001")
        await code.wait_for()
        taker.ready = time.perf_counter() - started
        await code.fill(taker.code)
        await page.get_by_placeholder("nếu đơn vị đã khai số điện thoại").fill(taker.tail)
        await page.get_by_text("Tôi đồng ý công bố họ tên").click()
        started = time.perf_counter()
        await page.get_by_role("button", name="Vào thi").first.click()
        await page.locator(".question").first.wait_for()
        taker.entered = time.perf_counter() - started
        shown = await page.locator("p.ok, p.error").last.inner_text()
        for number in range(questions):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            shown = await answer(page, taker, rng, shown)
            if number + 1 < questions:
                heading = await page.locator(".question").inner_text()
                started = time.perf_counter()
                await page.get_by_role("button", name="Câu sau →").click()
                await page.wait_for_function(
                    "(h) => { const q = document.querySelector('.question');"
                    " return q !== null && q.innerText !== h; }",
                    arg=heading,
                    polling="raf",
                )
                taker.moves.append(time.perf_counter() - started)
        await page.get_by_role("button", name="Nộp bài").click()
        await page.get_by_text("Anh/chị chắc chắn nộp bài?").wait_for()
        started = time.perf_counter()
        await page.locator("button.mod-danger", has_text="Nộp bài").click()
        await page.get_by_text("Đã nộp bài.").wait_for()
        taker.handed_in = time.perf_counter() - started
        text = await page.inner_text("body")
        if "Điểm:" not in text or "Traceback" in text:
            taker.error = "no score after handing in: " + text[-300:]
    except Exception as error:
        taker.error = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        # A person closing the tab: Voilà's page asks the server to shut its kernel down (the
        # request is sent; whether the server does it shows in the kernels left at the end).
        await page.close(run_before_unload=True)
        await context.close()


def message_of(page: Page) -> str:
    """The quiz's message line: the page's top-level HTML widget that is not its title."""
    for child in page.models[page.root]["children"]:
        state = page.models[child[len(REF) :]]
        if state["_model_name"] == "HTMLModel" and "<h1>" not in state["value"]:
            return str(child[len(REF) :])
    raise RuntimeError("no message line in the quiz page")


async def answer_socket(page: Page, taker: Taker, rng: random.Random, previous: str) -> str:
    """The same as ``answer``, through the widget protocol; returns the message's new text."""
    message = message_of(page)
    heading = page.html("class='question'")
    block = next(parent for model, parent in page.shown() if model == heading)
    widget = page.models[block]["children"][1][len(REF) :]
    state = page.models[widget]
    await wait_next_second(previous)
    started = time.perf_counter()
    if state["_model_name"] == "RadioButtonsModel":
        index = rng.randrange(len(state["_options_labels"]))
        taker.chosen.append(state["_options_labels"][index])
        await page.set(widget, index=index)
    elif state["_model_name"] == "VBoxModel":  # one checkbox per option
        box = rng.choice(state["children"])[len(REF) :]
        taker.chosen.append(page.models[box]["description"])
        await page.set(box, value=True)
    else:
        guess = str(rng.randrange(100, 5000))
        taker.chosen.append(guess)
        await page.set(widget, value=guess)
    text = await page.wait(
        lambda: page.models[message]["value"] != previous and page.models[message]["value"],
        WAIT_MS / 1000,
    )
    if not SAVED.search(text):
        raise RuntimeError(f"answer {len(taker.chosen)} not saved: {text}")
    taker.saves.append(page.changed_at[message] - started)
    return str(text)


async def take_contest_socket(
    base: str, notebook: str, taker: Taker, questions: int, think: float
) -> None:
    """``take_contest`` without a browser: the same widgets driven over the kernel's websocket."""
    rng = random.Random(taker.code)
    timeout = WAIT_MS / 1000
    page: Page | None = None
    try:
        started = time.perf_counter()
        page = await Page.open(base, notebook, timeout)
        code = page.find("TextModel", placeholder="ví dụ: hv001")
        tail = page.find("TextModel", placeholder="nếu đơn vị đã khai số điện thoại")
        consent = page.find("CheckboxModel", description=lambda d: str(d).startswith("Tôi đồng ý"))
        enter = page.find("ButtonModel", description="Vào thi")
        if code is None or tail is None or consent is None or enter is None:
            raise RuntimeError("no identification form in the page")
        taker.ready = time.perf_counter() - started
        await page.set(code, value=taker.code)
        await page.set(tail, value=taker.tail)
        await page.set(consent, value=True)
        started = time.perf_counter()
        await page.click(enter)
        await page.wait(lambda: page.html("class='question'"), timeout)
        taker.entered = time.perf_counter() - started
        shown = page.models[message_of(page)]["value"]
        for number in range(questions):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            shown = await answer_socket(page, taker, rng, shown)
            if number + 1 < questions:
                heading = page.models[page.html("class='question'") or ""]["value"]
                after = page.find("ButtonModel", description="Câu sau →")
                assert after is not None
                started = time.perf_counter()
                await page.click(after)

                def moved(before: str = heading) -> bool:
                    now = page.html("class='question'")
                    return now is not None and page.models[now]["value"] != before

                await page.wait(moved, timeout)
                taker.moves.append(time.perf_counter() - started)
        hand_in = page.find("ButtonModel", description="Nộp bài")
        assert hand_in is not None
        await page.click(hand_in)
        await page.wait(lambda: page.html("chắc chắn nộp bài"), timeout)
        sure = page.find("ButtonModel", description="Nộp bài", button_style="danger")
        assert sure is not None
        started = time.perf_counter()
        await page.click(sure)
        result = await page.wait(lambda: page.html("Đã nộp bài."), timeout)
        taker.handed_in = time.perf_counter() - started
        if "Điểm:" not in page.models[result]["value"]:
            taker.error = "no score after handing in: " + page.models[result]["value"][-300:]
    except Exception as error:
        taker.error = f"{type(error).__name__}: {(str(error) or repr(error)).splitlines()[0]}"
    finally:
        if page is not None:
            await page.close()


async def judge_loads(browser: Any, url: str, loads: list[float], until: Callable[[], bool],
                      pause: float, errors: list[str], count: int = 0) -> None:  # fmt: skip
    """Reload the leaderboard until ``until()`` (or ``count`` times), timing the visible table."""
    context = await browser.new_context()
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    done = 0
    try:
        while not until() and (count == 0 or done < count):
            started = time.perf_counter()
            await page.goto(url, wait_until="commit")
            await page.locator("table.hoctap-ranking").first.wait_for(state="visible")
            loads.append(time.perf_counter() - started)
            done += 1
            # Voilà's widgets up (the page usable; its unload now asks for its kernel's shutdown).
            await page.locator("select").first.wait_for()
            for _ in range(int(pause * 10)):
                if until():
                    break
                await asyncio.sleep(0.1)
    except Exception as error:
        errors.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await page.close(run_before_unload=True)
        await context.close()

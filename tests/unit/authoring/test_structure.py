"""Import keeps structure: a saved news page (nav, share bars, tags, related posts, comments,
sidebar and footer around an article with a table, h2/h3, links, a figure and lists) becomes
Markdown with each structure intact, the furniture gone, and the body renders to the HTML
elements the structure asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.authoring import importer
from generator.authoring.structure import to_markdown
from generator.content.markup import render_body

PAGE = Path(__file__).parents[2] / "fixtures" / "import" / "ar_structured.html"
BASE = "https://news.example.org/2024/05/20/municipal-results/"


@pytest.fixture(scope="module")
def draft() -> importer.Draft:
    return importer.from_html(PAGE.read_text(encoding="utf-8"), name=str(PAGE))


@pytest.fixture(scope="module")
def body(draft: importer.Draft) -> str:
    return "\n\n".join(draft.paragraphs)


def test_title_and_metadata(draft: importer.Draft) -> None:
    assert draft.title == "نتائج الانتخابات البلدية: المستقلون يتقدمون في المدن الكبرى"
    assert draft.source_url == BASE
    assert not any(p.lstrip("#").strip() == draft.title for p in draft.paragraphs)


def test_table_becomes_a_pipe_table(draft: importer.Draft) -> None:
    table = next(p for p in draft.paragraphs if p.startswith("|"))
    assert table.split("\n") == [
        "| المدينة | المستقلون | الأحزاب | نسبة المشاركة |",
        "| --- | --- | --- | --- |",
        "| العاصمة | 14 | 9 | 38.2% |",
        "| المدينة الساحلية | 11 | 6 | 44.0% |",
        "| [مدينة الشمال](https://news.example.org/tags/north-city/) | 7 | 10 | 46.5% |",
        "| مدينة الجنوب \\| الضواحي | 8 | 5 | 39.9% |",
    ]
    html = render_body(table)
    assert html.count("<th>") == 4 and html.count("<tr>") == 5
    assert "<td>مدينة الجنوب | الضواحي</td>" in html  # the escaped pipe is text in its cell
    assert '<a href="https://news.example.org/tags/north-city/"' in html


def test_headings_stay_headings(draft: importer.Draft) -> None:
    assert "## النتائج في المدن الكبرى" in draft.paragraphs
    assert "### ما الذي تغير؟" in draft.paragraphs
    assert "### الخطوات المقبلة" in draft.paragraphs
    html = render_body("\n\n".join(draft.paragraphs))
    assert '<h2 id="النتائج-في-المدن-الكبرى">' in html and html.count("<h3") == 2


def test_links_stay_links(body: str) -> None:
    assert ("بحسب [الموقع الرسمي للهيئة](https://elections.example.gov/results/2024)، "
            "وهي أعلى") in body
    assert "**41.3 في المئة**" in body
    assert '<a href="https://elections.example.gov/results/2024"' in render_body(body)


def test_images_stay_with_their_alt_text(draft: importer.Draft) -> None:
    image = ("![موظفو الهيئة يفرزون الأصوات في أحد مراكز الاقتراع]"
             "(https://news.example.org/uploads/2024/05/counting.jpg)")
    assert image in draft.paragraphs
    html = render_body(image)
    assert 'alt="موظفو الهيئة يفرزون الأصوات في أحد مراكز الاقتراع"' in html
    assert 'src="https://news.example.org/uploads/2024/05/counting.jpg"' in html


def test_lists_stay_lists_nested_one_level(draft: importer.Draft) -> None:
    bullets = next(p for p in draft.paragraphs if p.startswith("- "))
    assert bullets.split("\n") == [
        "- تراجع الثقة بالأحزاب بعد أزمة الخدمات الأخيرة",
        "- حملات محلية ركزت على النظافة والنقل",
        "    - وعود بخطوط حافلات جديدة",
        "    - خطط لفرز النفايات من المصدر",
        "- مشاركة واسعة للشباب في التصويت",
    ]
    numbered = next(p for p in draft.paragraphs if p.startswith("1. "))
    assert numbered.split("\n") == ["1. تلقي الطعون حتى يوم الخميس",
                                    "2. إعلان النتائج النهائية الأسبوع المقبل",
                                    "3. انعقاد المجالس الجديدة خلال شهر"]
    html = render_body(bullets + "\n\n" + numbered)
    assert html.count("<ul>") == 2 and html.count("<ol>") == 1 and html.count("<li>") == 8
    outer = html.index("<li>حملات محلية")
    assert outer < html.index("<ul>", outer) < html.index("<li>وعود بخطوط")


@pytest.mark.parametrize("furniture", [
    "مقالات ذات صلة", "الإقبال على صناديق الاقتراع", "اترك تعليقاً", "نتيجة متوقعة",
    "جميع الحقوق محفوظة", "الوسوم", "فيسبوك", "نسخ الرابط", "الأكثر قراءة", "النشرة البريدية",
    "الرئيسية", "مشاهدة",
])
def test_the_page_furniture_goes(body: str, furniture: str) -> None:
    assert furniture not in body


def test_every_article_paragraph_is_kept(draft: importer.Draft) -> None:
    assert draft.paragraphs[0].startswith("أعلنت الهيئة العليا للانتخابات")
    assert draft.paragraphs[-1].startswith("وقالت رئيسة الهيئة")
    assert "يرى مراقبون أن ثلاثة عوامل رجحت كفة المستقلين:" in draft.paragraphs


# ------------------------------------------------------------------ the converter alone

def test_relative_targets_without_a_base_keep_only_their_text() -> None:
    xml = ('<doc><main><p>see <ref target="/about/">the page</ref></p>'
           '<graphic src="/a.jpg" alt="a photo"/></main></doc>')
    assert to_markdown(xml) == "see the page\n\na photo\n"
    assert to_markdown(xml, "https://example.org/x/") == (
        "see [the page](https://example.org/about/)\n\n![a photo](https://example.org/a.jpg)\n")


def test_unsafe_targets_are_dropped() -> None:
    xml = '<doc><main><p><ref target="javascript:alert(1)">click</ref></p></main></doc>'
    assert to_markdown(xml, "https://example.org/") == "click\n"


def test_markdown_characters_in_text_stay_text() -> None:
    xml = ("<doc><main><p>1. not a list, a *star*, a_b, [sic] and [x](y) and "
           "&lt;b&gt;</p><p># not a heading</p></main></doc>")
    out = to_markdown(xml)
    assert out == ("\\1. not a list, a \\*star\\*, a\\_b, \\[sic\\] and \\[x\\](y) and \\<b\\>\n\n"
                   "\\# not a heading\n")
    html = render_body(out)
    assert "<b>" not in html and "<h" not in html and "<ol>" not in html and "<a " not in html


def test_table_without_header_cells_takes_its_first_row() -> None:
    xml = ("<doc><main><table><row><cell>a</cell><cell>b</cell></row>"
           "<row><cell>1</cell><cell>2 | 3</cell><cell>x</cell></row></table></main></doc>")
    assert to_markdown(xml) == "| a | b |   |\n| --- | --- | --- |\n| 1 | 2 \\| 3 | x |\n"


def test_quotations_and_line_breaks() -> None:
    xml = "<doc><main><quote>first<lb/>second</quote><p>one<lb/>two</p></main></doc>"
    assert to_markdown(xml) == "> first\n> second\n\none\n\ntwo\n"


def test_no_main_text() -> None:
    assert to_markdown("") == ""
    assert to_markdown("<doc><main/></doc>") == ""


def test_the_headline_after_a_kicker_is_not_a_paragraph() -> None:
    title = "افتتاح معرض الكتاب في اللاذقية بمشاركة مئة دار نشر"
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title>'
            f'<meta property="og:title" content="{title}"></head><body><article>'
            f'<p class="kicker">ثقافة وفنون في الساحل السوري</p><h1>{title}</h1>'
            "<p>افتتح محافظ اللاذقية صباح اليوم معرض الكتاب السنوي في المدينة الرياضية بمشاركة "
            "أكثر من مئة دار نشر محلية وعربية، ويستمر عشرة أيام.</p>"
            "<p>وقال مدير المعرض إن عدد العناوين هذا العام تجاوز خمسة عشر ألف عنوان.</p>"
            "</article></body></html>")
    draft = importer.from_html(page)
    assert draft.title == title
    assert draft.paragraphs[0] == "ثقافة وفنون في الساحل السوري"
    assert not any(title in p for p in draft.paragraphs)


def test_hostile_nesting_is_bounded() -> None:
    deep = "<doc><main>" + '<list rend="ul"><item>a' * 200 + "</item></list>" * 200 + "</main></doc>"
    lines = to_markdown(deep).splitlines()
    assert len(lines) > 100  # the XML parser itself stops at its own depth limit
    assert max(len(line) - len(line.lstrip()) for line in lines) == 12  # three levels
    bold = "<doc><main><p>" + '<hi rend="#b">' * 200 + "x" + "</hi>" * 200 + "</p></main></doc>"
    assert "x" in to_markdown(bold)

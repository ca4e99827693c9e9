"""Article body blocks: the defaults a new block starts with."""

from django.test import override_settings

from content.blocks import ArticleBodyBlock, SpecTableBlock


def test_a_new_spec_table_cites_the_current_pharmacopoeia():
    assert SpecTableBlock().get_default()["standard"] == "《中国药典》2025年版一部"


@override_settings(PHARMACOPOEIA_STANDARD="《中国药典》2030年版一部")
def test_the_default_standard_follows_the_setting():
    table = ArticleBodyBlock().child_blocks["spec_table"]

    assert table.get_default()["standard"] == "《中国药典》2030年版一部"

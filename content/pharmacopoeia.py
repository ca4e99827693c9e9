"""The pharmacopoeia editions spec tables cite (plain constants: the demo text reads them
without Django)."""

CURRENT_STANDARD = "《中国药典》2025年版一部"  # in force since 2025-10-01
PREVIOUS_STANDARD = "《中国药典》2020年版一部"

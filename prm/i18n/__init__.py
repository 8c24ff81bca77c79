"""Language and country: money and date formats, kana readings and the あいうえお order, Japanese
business days.
"""

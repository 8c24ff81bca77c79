"""Text people write: the one rule for web addresses and Markdown rendered then sanitised."""

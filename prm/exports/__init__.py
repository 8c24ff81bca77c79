"""CSV: streamed downloads, background export jobs and their pages, and the column lists that
drive staff tables and their CSV.
"""

"""Shared pieces every panel uses: forms, point editor, playback, colours, ellipses, export."""

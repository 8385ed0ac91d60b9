"""The lab floor: each topic's experiment as plain, saveable state (no Qt).

``prmlab.lab.session`` reads and writes ``.prmlab`` session files of those states.
"""

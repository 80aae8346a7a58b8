"""Pension rules, pure (no Django): the statutory retirement age and its flexible window
(``ages``), and the benefit formula of 国发〔2005〕38号 with the 计发月数 table (``formula``).

Region-specific figures (计发基数, the transition coefficient and index rule) come in as
values from the rule rows (``shebao.pensions.params``); every result carries its derivation.
"""

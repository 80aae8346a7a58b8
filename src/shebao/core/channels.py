"""The doors into shebao. Every service records which one a command came through."""

from django.db import models


class Channel(models.TextChoices):
    HALL = "hall", "服务大厅窗口 / Service hall"
    COMMUNITY = "community", "社区窗口 / Community window"
    ONLINE = "online", "网上服务大厅 / Online hall"
    APP = "app", "手机 App / App"
    BANK = "bank", "银行代理点 / Bank outlet"
    HOTLINE = "hotline", "12333 热线 / Hotline"
    KIOSK = "kiosk", "自助终端 / Kiosk"
    ADMIN = "admin", "管理后台 / Admin"
    CLI = "cli", "命令行 / Command line"
    SYSTEM = "system", "系统 / System"

"""The audit actions of the service catalogue."""

from shebao.core.audit import AuditActions


class CatalogAction(AuditActions):
    SYNC = "catalog.sync", "同步服务事项目录 / Catalogue synced"
    ITEM_CHANGE = "catalog.item_change", "修改服务事项 / Service item changed"
    # recorded by the admin before every admin change was audited row by row; kept for its events
    ITEM_STRUCTURE_CHANGE = "catalog.item_structure_change", "修改事项环节或材料 / Item phases or materials changed"

"""The audit actions of the registry: persons, employer units, employment."""

from shebao.core.audit import AuditActions


class RegistryAction(AuditActions):
    PERSON_REGISTER = "person.register", "参保登记 / Person registered"
    PERSON_UPDATE = "person.update", "变更个人信息 / Person's details changed"
    PERSON_CORRECT = "person.correct", "更正个人信息 / Person's record corrected"
    PERSON_FLEXIBLE_ENROL = "person.flexible_enrol", "灵活就业参保 / Flexible worker enrolled"
    PERSON_FLEXIBLE_STOP = "person.flexible_stop", "灵活就业停保 / Flexible insurance stopped"
    PERSON_RESUME = "person.resume", "恢复参保 / Insurance resumed"
    PERSON_RETIRE = "person.retire", "办理退休 / Person retired"
    PERSON_TRANSFER_OUT = "person.transfer_out", "养老保险关系转出 / Pension relationship transferred out"
    PERSON_VIEW = "person.view", "查看个人信息 / Person's record viewed"
    PERSON_REVEAL_ID = "person.reveal_id", "查看完整身份证号 / Full ID number shown"
    AUTHORISATION_RECORD = "authorisation.record", "窗口登记代办授权 / Authorisation recorded at a window"
    AUTHORISATION_GRANT = "authorisation.grant", "本人网上授权代办 / Authorisation granted online"
    AUTHORISATION_REVOKE = "authorisation.revoke", "撤销代办授权 / Authorisation revoked"
    AUTHORISATION_ACT = "authorisation.act", "开始代办 / Agent began acting for the grantor"
    UNIT_REGISTER = "unit.register", "单位参保登记 / Employer registered"
    UNIT_CHANGE = "unit.change", "单位信息变更 / Employer's details changed"
    UNIT_DEREGISTER = "unit.deregister", "单位注销 / Employer deregistered"
    EMPLOYMENT_ADD = "employment.add", "增员 / Staff added"
    EMPLOYMENT_END = "employment.end", "减员 / Staff removed"
    EMPLOYMENT_IMPORT_ADD = "employment.import_add", "批量增员 / Staff added by import"
    EMPLOYMENT_IMPORT_REMOVE = "employment.import_remove", "批量减员 / Staff removed by import"

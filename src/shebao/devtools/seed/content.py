"""Demo content: policies and regulations, questions and answers, employment notices.

The national laws and regulations are real (their titles, numbers, issuers and dates); their
texts here are short plain-language summaries, not the official text. The Wuhan notices and
every employment notice are made up for the demo (no document number is invented for them).
Idempotent: a row is found by its title or question and written once. One notice is already
expired and one policy is a draft, so that the demo shows what the public does not see."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shebao.content.models import Answer, JobNotice, Policy, Status

CITY_HRSS = "武汉市人力资源和社会保障局"

POLICIES: list[dict[str, object]] = [
    {
        "title": "中华人民共和国社会保险法",
        "title_en": "Social Insurance Law of the People's Republic of China",
        "number": "中华人民共和国主席令第35号（2018年主席令第25号修正）",
        "issuer": "全国人民代表大会常务委员会",
        "effective_on": dt.date(2011, 7, 1),
        "insurance": "general",
        "tags": "社会保险法,养老保险,医疗保险,工伤保险,失业保险,生育保险",
        "summary": "规定基本养老、基本医疗、工伤、失业、生育五项社会保险的参保、缴费、待遇和经办。",
        "body": (
            "国家建立基本养老保险、基本医疗保险、工伤保险、失业保险、生育保险等社会保险制度，保障公民在年老、"
            "疾病、工伤、失业、生育等情况下依法从国家和社会获得物质帮助的权利。\n"
            "用人单位应当自成立之日起三十日内申请办理社会保险登记，自用工之日起三十日内为职工申请办理社会保险登记。\n"
            "参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，按月领取基本养老金。\n"
            "个人跨统筹地区就业的，其基本养老保险关系随本人转移，缴费年限累计计算。"
        ),
        "body_en": "Sets up the five social insurances, who must enrol and pay, and the benefits; "
        "a pension is paid monthly to a person who reaches the statutory retirement age with 15 years paid.",
    },
    {
        "title": "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定",
        "title_en": "Decision of the NPC Standing Committee on gradually raising the statutory retirement age",
        "number": "2024年9月13日第十四届全国人民代表大会常务委员会第十一次会议通过",
        "issuer": "全国人民代表大会常务委员会",
        "effective_on": dt.date(2025, 1, 1),
        "insurance": "pension",
        "tags": "延迟退休,退休年龄,弹性退休,最低缴费年限",
        "summary": "自2025年1月1日起，用十五年时间逐步将男职工的法定退休年龄从六十周岁延迟到六十三周岁，"
        "女职工从五十周岁、五十五周岁分别延迟到五十五周岁、五十八周岁。",
        "body": (
            "男职工和原法定退休年龄为五十五周岁的女职工，法定退休年龄每四个月延迟一个月；"
            "原法定退休年龄为五十周岁的女职工，法定退休年龄每二个月延迟一个月。\n"
            "从2030年1月1日起，将职工按月领取基本养老金最低缴费年限由十五年逐步提高至二十年，每年提高六个月。\n"
            "职工达到最低缴费年限，可以自愿选择弹性提前退休，提前时间最长不超过三年；"
            "经用人单位与职工协商一致，可以弹性延迟退休，延迟时间最长不超过三年。"
        ),
        "body_en": "From 1 January 2025, over fifteen years, the retirement age rises from 60 to 63 for men and "
        "from 50 and 55 to 55 and 58 for women; the minimum contribution period rises from 15 to 20 years from 2030.",
    },
    {
        "title": "国务院关于完善企业职工基本养老保险制度的决定",
        "title_en": "State Council decision on improving the basic pension insurance of enterprise employees",
        "number": "国发〔2005〕38号",
        "issuer": "国务院",
        "effective_on": dt.date(2006, 1, 1),
        "insurance": "pension",
        "tags": "基本养老金,计发办法,个人账户,计发月数",
        "summary": "基本养老金由基础养老金和个人账户养老金组成；个人账户养老金月标准为个人账户储存额除以计发月数。",
        "body": (
            "退休时的基础养老金月标准以当地上年度在岗职工月平均工资和本人指数化月平均缴费工资的平均值为基数，"
            "缴费每满1年发给1%。\n个人账户养老金月标准为个人账户储存额除以计发月数，"
            "计发月数根据职工退休时城镇人口平均预期寿命、本人退休年龄、利息等因素确定。"
        ),
    },
    {
        "title": "国务院关于建立统一的城乡居民基本养老保险制度的意见",
        "title_en": "State Council opinion on a unified basic pension insurance for urban and rural residents",
        "number": "国发〔2014〕8号",
        "issuer": "国务院",
        "effective_on": dt.date(2014, 2, 21),
        "insurance": "pension",
        "tags": "城乡居民养老保险,缴费档次,政府补贴",
        "summary": "合并新农保和城居保，建立统一的城乡居民基本养老保险制度，个人缴费、集体补助、政府补贴相结合。",
        "body": "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的"
        "城乡居民，可以在户籍地参加城乡居民养老保险。",
    },
    {
        "title": "社会保险经办条例",
        "title_en": "Regulation on the Handling of Social Insurance",
        "number": "国务院令第765号",
        "issuer": "国务院",
        "effective_on": dt.date(2023, 12, 1),
        "insurance": "general",
        "tags": "经办,社会保险登记,转移接续,经办服务",
        "summary": "规范社会保险登记、关系转移、待遇核定与支付、经办服务和监督。",
        "body": "社会保险经办机构应当通过政务服务平台、服务窗口、电话、移动终端等渠道提供社会保险经办服务，"
        "推进社会保险经办事项一网通办、异地可办。\n个人申请办理社会保险关系转移的，转出地和转入地经办机构应当在"
        "规定时限内完成相关手续。",
    },
    {
        "title": "失业保险条例",
        "title_en": "Regulation on Unemployment Insurance",
        "number": "国务院令第258号",
        "issuer": "国务院",
        "effective_on": dt.date(1999, 1, 22),
        "insurance": "unemployment",
        "tags": "失业保险金,领取期限,失业登记",
        "summary": "失业前缴费满一年、非因本人意愿中断就业并已办理失业登记的，可领取失业保险金。",
        "body": "失业人员失业前所在单位和本人累计缴费满1年不足5年的，领取失业保险金的期限最长为12个月；"
        "满5年不足10年的，最长为18个月；10年以上的，最长为24个月。",
    },
    {
        "title": "工伤保险条例",
        "title_en": "Regulation on Work-Related Injury Insurance",
        "number": "国务院令第586号（2010年修订）",
        "issuer": "国务院",
        "effective_on": dt.date(2011, 1, 1),
        "insurance": "injury",
        "tags": "工伤认定,劳动能力鉴定,工伤待遇",
        "summary": "职工发生事故伤害或者被诊断为职业病，用人单位应当自之日起30日内提出工伤认定申请。",
        "body": "用人单位未在规定时限内提出工伤认定申请的，工伤职工或者其近亲属、工会组织在事故伤害发生之日"
        "或者被诊断、鉴定为职业病之日起1年内，可以直接提出工伤认定申请。",
    },
    {
        "title": "城镇企业职工基本养老保险关系转移接续暂行办法",
        "title_en": "Interim measures for transferring the basic pension insurance of urban enterprise employees",
        "number": "国办发〔2009〕66号",
        "issuer": "国务院办公厅",
        "effective_on": dt.date(2010, 1, 1),
        "insurance": "pension",
        "tags": "转移接续,跨省转移,统筹基金",
        "summary": "参保人员跨省流动就业的，基本养老保险关系随同转移，个人账户储存额全部转移，统筹基金按12%转移。",
        "body": "新参保地经办机构在15个工作日内审核转移接续申请，转出地在15个工作日内办理转出手续，"
        "转入地在15个工作日内办结转入手续。",
    },
    {
        "title": "关于推动个人养老金发展的意见",
        "title_en": "Opinion on promoting private pensions",
        "number": "国办发〔2022〕7号",
        "issuer": "国务院办公厅",
        "effective_on": dt.date(2022, 4, 8),
        "insurance": "pension",
        "tags": "个人养老金,第三支柱,税收优惠",
        "summary": "在中国境内参加城镇职工或者城乡居民基本养老保险的劳动者可参加个人养老金，每年缴纳上限12000元。",
        "body": "个人养老金实行个人账户制度，缴费完全由参加人个人承担，实行完全积累。",
    },
    {
        "title": "武汉市灵活就业人员参加职工基本养老保险经办指引（演示）",
        "title_en": "Wuhan: enrolling and paying as a flexible worker (demo guide)",
        "number": "",
        "issuer": CITY_HRSS,
        "effective_on": dt.date(2025, 1, 1),
        "insurance": "pension",
        "tags": "灵活就业,个体工商户,缴费档次,武汉",
        "summary": "在本市就业的灵活就业人员可在社区窗口、网上服务大厅或App办理参保登记，"
        "按年度公布的缴费基数档次自主选择缴费。",
        "body": "灵活就业人员按月或按年缴费；逾期未缴的月份可在规定期限内补缴。缴费档次每年可调整一次。\n"
        "办理渠道：区社保经办大厅、社区（村）便民服务窗口、周六服务、网上服务大厅、手机App。",
        "body_en": "Flexible workers enrol at a community window, online or in the app and choose a "
        "contribution grade from the year's published bases (demo text).",
    },
]

# Shown only between publish and expiry: a notice that already came down, and a draft.
HIDDEN_POLICIES: list[dict[str, object]] = [
    {
        "title": "关于2023年度社会保险缴费基数申报的通知（已过期，演示）",
        "number": "",
        "issuer": CITY_HRSS,
        "effective_on": dt.date(2023, 3, 1),
        "insurance": "general",
        "tags": "缴费基数,年度申报",
        "body": "2023年度缴费基数申报已结束。",
        "expired": True,
    },
    {
        "title": "关于调整退休人员基本养老金的通知（草稿，演示）",
        "number": "",
        "issuer": CITY_HRSS,
        "effective_on": dt.date(2026, 1, 1),
        "insurance": "pension",
        "tags": "养老金调整",
        "body": "草稿，尚未发布。",
        "draft": True,
    },
]

ANSWERS: list[dict[str, str]] = [
    {
        "question": "延迟退休后，我什么时候可以退休？",
        "question_en": "When may I retire now that the retirement age is rising?",
        "answer": "按出生年月和原法定退休年龄查表确定：男职工每出生晚4个月，退休年龄延迟1个月，最终延迟到63周岁。"
        "可在App「政策法规」中查阅决定原文，或在网上服务大厅「养老金测算」中试算。",
        "category": "pension",
        "keywords": "延迟退休,退休年龄,什么时候退休",
        "basis": "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定",
    },
    {
        "question": "养老保险最少要交多少年？",
        "question_en": "How many years must I pay for a pension?",
        "answer": "目前按月领取基本养老金的最低缴费年限为15年；从2030年起每年提高6个月，逐步提高到20年。",
        "category": "pension",
        "keywords": "最低缴费年限,交满15年,20年",
        "basis": "中华人民共和国社会保险法第十六条",
    },
    {
        "question": "基本养老金是怎么计算的？",
        "answer": "基本养老金 = 基础养老金 + 个人账户养老金（+ 过渡性养老金）。个人账户养老金 = 个人账户储存额 ÷ 计发月数。",
        "category": "pension",
        "keywords": "养老金计算,计发月数,个人账户",
        "basis": "国发〔2005〕38号",
    },
    {
        "question": "灵活就业人员怎么参加养老保险？",
        "question_en": "How does a flexible worker enrol in the pension insurance?",
        "answer": "携带身份证到社区便民服务窗口或区社保经办大厅办理，也可在网上服务大厅、App在线办理，选择缴费档次后按月或按年缴费。",
        "category": "enrolment",
        "keywords": "灵活就业,个体,自由职业,参保登记",
        "basis": "",
    },
    {
        "question": "社保断缴了可以补缴吗？",
        "answer": "灵活就业人员欠缴的月份可在规定期限内补缴并按规定缴纳滞纳金；单位欠缴的由单位补缴。",
        "category": "contributions",
        "keywords": "补缴,断缴,欠费,滞纳金",
        "basis": "中华人民共和国社会保险法第八十六条",
    },
    {
        "question": "换工作到外省，养老保险怎么转？",
        "question_en": "I am moving to another province: how is my pension insurance transferred?",
        "answer": "到新参保地的经办机构（或通过网上服务大厅）申请转入，由新参保地向原参保地发联系函，无需回原参保地办理。",
        "category": "pension",
        "keywords": "转移接续,跨省,转移",
        "basis": "国办发〔2009〕66号",
    },
    {
        "question": "失业保险金可以领多久？",
        "question_en": "How long is unemployment benefit paid?",
        "answer": "累计缴费满1年不足5年的最长领12个月，满5年不足10年的最长领18个月，10年以上最长领24个月。",
        "category": "unemployment",
        "keywords": "失业金,失业保险金,领取期限",
        "basis": "失业保险条例第十七条",
    },
    {
        "question": "领取失业保险金需要什么材料？",
        "answer": "本人身份证件或社会保障卡、与单位终止或解除劳动关系的证明；可在App或网上服务大厅申领。",
        "category": "unemployment",
        "keywords": "失业金申领,材料,解除劳动合同",
        "basis": "",
    },
    {
        "question": "社保卡丢了怎么办？",
        "question_en": "I lost my social security card: what should I do?",
        "answer": "立即拨打12333或在App、合作银行网点办理挂失（即时办结），再到银行网点或社保卡服务中心补办。",
        "category": "card",
        "keywords": "社保卡挂失,补卡,社会保障卡",
        "basis": "",
    },
    {
        "question": "怎样查询我的个人权益记录单？",
        "answer": "登录网上服务大厅或App「我的信息」即可查看和下载，也可在大厅自助终端打印；记录单带核验码，可在线核验真伪。",
        "category": "online",
        "keywords": "权益记录单,对账单,缴费记录,查询",
        "basis": "",
    },
    {
        "question": "医保异地就医怎么报销？",
        "answer": "先办理异地就医备案，备案后在就医地定点医疗机构直接结算；未能直接结算的，回参保地按规定手工报销。",
        "category": "medical",
        "keywords": "异地就医,报销,备案",
        "basis": "",
    },
    {
        "question": "工伤认定申请的时限是多久？",
        "answer": "用人单位应在事故伤害发生之日起30日内提出；单位未申请的，职工或其近亲属可在1年内直接申请。",
        "category": "injury",
        "keywords": "工伤认定,时限,30日",
        "basis": "工伤保险条例第十七条",
    },
    {
        "question": "周六可以到社保大厅办事吗？",
        "question_en": "Are the service halls open on Saturdays?",
        "answer": "各区社保经办大厅周六 9:00-16:00 提供部分常办事项的「周六服务」；法定节假日除外。App「附近网点」可查看当天是否开放。",
        "category": "general",
        "keywords": "周六,周末,上班时间,营业时间",
        "basis": "",
    },
    {
        "question": "家人可以代我办理养老金业务吗？",
        "answer": "可以。代办人持本人和代办人身份证件、授权委托书办理；老人可在网上服务大厅登记家属代办授权。",
        "category": "general",
        "keywords": "代办,委托,家属",
        "basis": "",
    },
    {
        "question": "单位怎样为新入职员工办理参保？",
        "answer": "自用工之日起30日内，通过单位网上服务大厅「增员」或到经办大厅办理，批量增员可上传Excel。",
        "category": "enrolment",
        "keywords": "增员,新员工,单位参保,30日",
        "basis": "中华人民共和国社会保险法第五十八条",
    },
]


def _jobs(today: dt.date) -> list[dict[str, object]]:
    day = dt.timedelta(days=1)
    return [
        {
            "kind": JobNotice.Kind.JOB_FAIR,
            "title": "武汉市春风行动暨民营企业招聘周现场招聘会（演示）",
            "title_en": "Spring Breeze job fair for private employers (demo)",
            "organiser": "武汉市公共就业服务中心",
            "body": "约200家企业现场招聘，提供岗位5000余个，涵盖制造、物流、信息技术、家政服务等行业。",
            "starts_on": today + 7 * day,
            "ends_on": today + 8 * day,
            "place": "武汉国际博览中心（汉阳区）",
            "district": "汉阳区",
        },
        {
            "kind": JobNotice.Kind.JOB_FAIR,
            "title": "江岸区就业援助月专场招聘会（演示）",
            "organiser": "江岸区人力资源和社会保障局",
            "body": "面向就业困难人员、退役军人和登记失业人员，现场提供政策咨询和失业登记。",
            "starts_on": today + 3 * day,
            "ends_on": today + 3 * day,
            "place": "江岸区人力资源市场",
            "district": "江岸区",
        },
        {
            "kind": JobNotice.Kind.VACANCY,
            "title": "社区公益性岗位招聘（演示）",
            "title_en": "Community public-welfare posts (demo)",
            "organiser": "武昌区人力资源和社会保障局",
            "body": "招聘社区保洁、巡查等公益性岗位30个，优先安置就业困难人员。",
            "starts_on": today - 2 * day,
            "ends_on": today + 20 * day,
            "place": "武昌区各街道便民服务中心",
            "district": "武昌区",
        },
        {
            "kind": JobNotice.Kind.VACANCY,
            "title": "高校毕业生见习岗位（演示）",
            "organiser": "武汉市人力资源和社会保障局",
            "body": "见习期3至12个月，见习单位按规定发放生活补助，见习期间参加意外伤害保险。",
            "starts_on": today,
            "ends_on": today + 60 * day,
            "place": "全市见习基地",
            "district": "",
        },
        {
            "kind": JobNotice.Kind.TRAINING,
            "title": "养老护理员职业技能培训（补贴性，演示）",
            "title_en": "Elderly-care worker training, subsidised (demo)",
            "organiser": "武汉市职业技能培训指导中心",
            "body": "培训合格取得职业技能等级证书的，按规定享受职业培训补贴。",
            "starts_on": today + 14 * day,
            "ends_on": today + 44 * day,
            "place": "洪山区职业技能培训基地",
            "district": "洪山区",
        },
        {
            "kind": JobNotice.Kind.TRAINING,
            "title": "创业培训（SYB）免费班（演示）",
            "organiser": "江岸区就业训练中心",
            "body": "面向有创业意愿的登记失业人员和高校毕业生，培训合格可申请创业担保贷款。",
            "starts_on": today + 10 * day,
            "ends_on": today + 20 * day,
            "place": "江岸区就业训练中心",
            "district": "江岸区",
        },
    ]


def write_demo_content(*, today: dt.date) -> int:
    """Write the demo content once (found by title or question); returns the rows written."""
    now = timezone.now()
    written = 0
    for spec in POLICIES + HIDDEN_POLICIES:
        fields = {k: v for k, v in spec.items() if k not in ("title", "expired", "draft")}
        fields["status"] = Status.DRAFT if spec.get("draft") else Status.PUBLISHED
        fields["publish_at"] = now - dt.timedelta(days=400 if spec.get("expired") else 1)
        fields["expire_at"] = now - dt.timedelta(days=30) if spec.get("expired") else None
        _, created = Policy.objects.get_or_create(title=spec["title"], defaults=fields)
        written += created
    for qa in ANSWERS:
        values: dict[str, object] = {k: v for k, v in qa.items() if k != "question"}
        values.update(status=Status.PUBLISHED, publish_at=now - dt.timedelta(days=1))
        _, created = Answer.objects.get_or_create(question=qa["question"], defaults=values)
        written += created
    for job in _jobs(today):
        fields = {k: v for k, v in job.items() if k != "title"}
        ends = job["ends_on"] or job["starts_on"]
        assert isinstance(ends, dt.date)
        # a notice comes down the day after it ends (Beijing time)
        fields.update(
            status=Status.PUBLISHED,
            publish_at=now - dt.timedelta(days=1),
            expire_at=timezone.make_aware(dt.datetime.combine(ends + dt.timedelta(days=1), dt.time())),
        )
        _, created = JobNotice.objects.get_or_create(title=job["title"], defaults=fields)
        written += created
    return written

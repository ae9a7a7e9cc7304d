"""Product knowledge: how applicants name sections, projects and metrics, in Chinese and English.

These tables are the domain dictionary, not per-question fixes: each entry says how people
word a concept that every guide of this family has. Keys are matched on normalised text
(simplified, half-width, lower case).
"""

from __future__ import annotations

# Section label (as the guides write it) → the words people use for it. Longer phrases are
# tried first, so "申报条件" wins over a bare "条件".
SECTION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "拟解决问题": (
        "拟解决问题", "解决问题", "解决什么问题", "要解决", "解决哪些", "研究内容", "研究什么", "做什么",
        "干什么", "干啥", "主要任务", "研究任务", "建设内容", "目标是什么", "内容是什么", "研发内容",
        "针对什么", "针对哪些", "主要做", "要研究", "研究方向", "痛点", "难点", "难题", "瓶颈", "想解决",
        "解决什么", "解决啥", "解决的问题", "拟解决的", "要解决的", "技术方向", "重点研究", "研究哪些",
        "研发哪些", "研发什么", "开发哪些", "开发什么", "哪些研究", "研究工作",
        # What a project builds or tackles: 攻关哪些技术, 主要建设些什么.
        "攻关", "主要建设", "建设什么", "建设些什么", "建设哪些", "建些什么",
        "problem", "problems", "solve", "research content", "what does", "what is project", "about",
        "tasks", "task", "objective", "objectives", "scope", "aim", "aims", "goal", "goals",
    ),
    "考核指标": (
        "考核指标", "考核", "指标", "验收", "kpi", "绩效", "达到什么", "要达到", "要求达到", "技术指标",
        "performance", "indicator", "indicators", "metric", "metrics", "targets", "deliverables",
        "assessment", "evaluation criteria", "expected outcomes", "outcomes", "milestones",
    ),
    "组织方式": (
        "组织方式", "组织形式", "怎么组织", "如何组织", "竞争", "遴选方式", "择优", "定向委托", "揭榜",
        # Whole values (rag/values.py), so none is cut into a leftover word (揭榜 of 揭榜挂帅 left 挂帅).
        "公开竞争", "揭榜挂帅", "择优委托", "公开招标", "竞争性评审", "竞争性遴选", "竞争择优",
        "怎么选", "如何选", "征选", "甄选", "评选", "选定", "选拔方式", "怎么评", "如何评选", "选拔", "遴选", "评审方式", "确定承担单位", "竞争性", "什么方式组织", "组织实施方式",
        "organisation", "organization", "organized", "organised", "competition", "competitive",
        "selection method", "how is it organi", "mode of organi", "selection process", "selected", "tender",
        "bidding", "open call",
    ),
    "申报条件": (
        "申报条件", "申请条件", "申报资格", "资格", "申报主体", "申请主体", "主体资格", "谁能申报", "谁可以申报", "谁能申请", "谁可以申请",
        "哪些单位", "什么单位", "什么样的单位", "单位类型", "牵头", "跟谁一起", "和谁一起", "跟谁一块", "和谁一块",
        "与谁联合", "跟谁联合", "和谁联合", "联合谁", "一起报", "一块儿报", "一块报", "能不能申报", "可以申报吗", "可以申请吗",
        "能申请吗", "能申报吗", "产学研", "高校", "大学", "企业", "联合申报", "合作", "门槛", "条件",
        "who can apply", "who may apply", "eligible", "eligibility", "eligible applicants", "requirements to apply",
        "who leads", "led by", "leading unit", "lead applicant", "qualification", "qualifications",
        "university", "universities",
    ),
    "资助强度": (
        "资助强度", "资助", "经费", "出资", "配套", "自筹", "给多少钱", "多少钱", "补多少", "补贴", "拨款",
        "支持多少", "支持金额", "财政", "资金", "钱", "预算", "金额", "额度", "万元", "拟支持", "支持几项",
        "给多少", "各给", "补助多少", "contribute",
        # The applicant's own share and when money comes: 自己掏多少, 先给钱还是事后补.
        "掏多少", "掏钱", "自己出多少", "先给钱", "再补", "事后补",
        "几个项目", "几个团队", "立几项", "投入", "投资", "资助金额", "资助额度", "补助", "奖励",
        # Whole values (rag/values.py): 后补助 is a way of funding, not 后 + a funding word.
        "事后补助", "后补助", "事后资助", "后资助", "事前资助", "前资助", "事前补助", "先期资助",
        "funding", "fund", "funded", "money", "budget", "grant", "subsidy", "financial support", "award", "awards",
        "co-funding", "co-financing", "co-invest", "co-investment", "own funds", "matching funds",
        "funding cap", "ceiling", "maximum funding", "self-financing", "self-funding", "matching", "how much", "contribution", "support",
    ),
    "实施周期": (
        "实施周期", "周期", "多久", "几年", "多长时间", "多少年", "期限", "年限", "时长", "执行期", "实施期",
        "做多久", "建设期", "工期", "多长", "时限", "好久", "好多年", "搞多久", "要多久",
        # From when to when, and by when it ends: 执行时间是哪年哪月, 要干到啥时候.
        "执行时间", "实施时间", "哪年哪月", "干到", "到啥时候", "到什么时候", "什么时候完成", "何时完成",
        "之前完成", "完成时间",
        "how long", "duration", "period", "implementation period", "years", "timeline", "time frame",
        "timeframe", "length",
    ),
    "其他说明": (
        "其他说明", "其他", "说明", "备注", "注意事项", "其它", "补充", "联动", "特别说明", "额外要求", "特别规定", "特殊规定", "别的说明", "别的规定", "附加说明", "附加的说明", "额外的说明", "附加要求", "其他规定", "其它规定",
        "other notes", "notes", "remarks", "other", "additional", "anything else", "special arrangement",
        "special arrangements", "arrangement", "arrangements",
    ),
}

# Ordinal forms of project numbers: Chinese numerals, financial numerals, English words.
NUMERALS: dict[str, int] = {
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9, "拾": 10,
    "十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15,
}
ENGLISH_NUMBERS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}

# English words → Chinese terms of the guides, so English questions also reach BM25.
ENGLISH_GLOSSARY: dict[str, str] = {
    "phd": "博士", "phds": "博士", "doctor": "博士", "doctoral": "博士", "doctors": "博士",
    "patent": "发明专利", "patents": "发明专利", "software copyright": "软件著作权",
    "software copyrights": "软件著作权", "copyright": "著作权", "copyrights": "著作权",
    "standard": "标准", "standards": "标准", "revenue": "销售收入|营业收入", "sales": "销售收入",
    "income": "收入", "economic benefit": "经济效益", "economic benefits": "经济效益",
    "accuracy": "准确率", "response time": "响应时间",
    # Several renderings: any one of them in a clause is the word (`|`, see Evidence.coverage).
    "latency": "响应时间|实时性|时延", "delay": "时延|实时性", "concurrency": "并发数",
    "concurrent": "并发数", "users": "用户", "dataset": "数据集",
    "data": "数据", "corpus": "语料", "scenarios": "场景", "scenario": "场景", "demonstration": "示范",
    "enterprises": "企业",
    "institutions": "机构", "area": "面积", "images": "图片",
    "equipment": "装备", "gpu": "gpu", "cpu": "cpu", "computing power": "算力", "compute": "算力",
    "positioning": "定位", "terminals": "终端", "models": "模型", "model": "模型",
    "prediction": "预测", "trajectory": "轨迹", "platform": "平台",
    "city": "市级", "municipal": "市级", "district": "区级", "consortium": "产学研",
    "industry-university-research": "产学研", "monitoring": "监测", "monitor": "监测", "real-time": "实时",
    "speech recognition": "语音识别",
    "enterprise contribution": "承担单位出资",
    "application scenario": "应用场景", "application scenarios": "应用场景", "applications": "应用",
    # Things applicants ask that guides of this family do not cover: translated so that the
    # evidence check sees a Chinese word the guide lacks, instead of skipping English wording.
    "deadline": "截止", "due date": "截止日期", "submit": "提交", "submission": "提交", "contact": "联系人",
    "phone": "电话", "telephone": "电话", "email": "邮箱", "materials": "材料",
    # "address" alone is also the verb (what problems does project 5 address): only the noun's phrases.
    "the address": "地址", "an address": "地址", "address of": "地址", "address for": "地址",
    "mailing address": "地址", "postal address": "地址", "office address": "地址",
    "documents": "材料", "template": "模板", "website": "网址", "reviewers": "评审专家", "experts": "专家",
    "special": "特殊", "intellectual property": "知识产权", "efficiency gains": "增效",
    "cost reduction": "降本", "economic-benefit": "经济效益", "coordination": "联动", "linkage": "联动",
    "understanding": "理解", "recognition": "识别", "convergence": "收敛", "efficiency": "效率",
    "government departments": "政务部门", "research institutes": "科研院所", "serve": "服务", "demo": "示范",
    "vehicles": "汽车", "vehicle": "汽车", "cars": "汽车", "districts and counties": "区县", "counties": "区县", "districts": "区县|区级", "jointly": "联动|联合", "ownership": "归属", "interest rate": "利率", "loan": "贷款", "tax": "税", "deposit": "保证金", "acceptance": "验收",
    "weather": "天气", "results": "结果", "announced": "公布", "foreign": "外资", "individual": "个人",
    "horizontal": "水平", "vertical": "垂直", "precision": "精度", "operating system": "系统",
    # Engineering metrics that guides of every field set (speed, power, range, yield …): the Chinese
    # words such targets are written with, alternatives joined by `|`. Family-wide, not one guide's.
    "speed": "速度|速率|时速", "cruise": "巡航", "cruising": "巡航", "peak power": "峰值功率", "power": "功率",
    "power density": "功率密度", "energy density": "能量密度", "range": "航程|里程|续航", "endurance": "续航",
    "payload": "载荷|载重", "takeoff weight": "起飞重量", "weight": "重量", "noise": "噪声|噪音",
    "temperature": "温度", "voltage": "电压", "battery life": "寿命|续航", "cycle life": "循环寿命|循环次数",
    "lifetime": "寿命", "lifespan": "寿命", "service life": "寿命", "charging time": "充电时间",
    "charging": "充电", "battery": "电池", "batteries": "电池", "motor": "电机", "sensor": "传感器",
    "spatial resolution": "空间分辨率", "resolution": "分辨率", "bandwidth": "带宽", "throughput": "吞吐", "storage": "存储", "availability": "可用性",
    "reliability": "可靠性", "uptime": "可用性|在线率", "success rate": "成功率", "pass rate": "合格率",
    "yield rate": "良率|良品率", "defect rate": "缺陷率|不良率", "recall": "召回率", "coverage": "覆盖",
    "detection": "检测|识别", "identification": "识别", "emissions": "排放", "emission": "排放",
    "carbon": "碳", "energy consumption": "能耗", "energy saving": "节能", "energy savings": "节能",
    "water saving": "节水", "recycling": "回收|循环利用", "recovery rate": "回收率", "utilization rate": "利用率",
    "cost": "成本", "costs": "成本", "output value": "产值", "production capacity": "产能", "capacity": "容量|产能|能力",
    "market share": "市场占有率", "localization rate": "国产化率", "domestic": "国产", "yield": "产量|亩产|良率",
    "routes": "航线|线路|路线", "sorties": "架次", "flights": "架次|航班", "flight hours": "飞行小时|飞行时间",
    "drones": "无人机", "drone": "无人机", "aircraft": "航空器|飞机", "prototype": "原型机|样机", "prototypes": "原型机|样机",
    "pilot line": "中试线", "production line": "生产线|产线", "production lines": "生产线|产线", "factories": "工厂",
    "visitors": "游客|客流", "tourists": "游客", "tourist": "游客", "passengers": "旅客|乘客", "farmers": "农户",
    "households": "户", "hectares": "公顷", "tons": "吨", "tonnes": "吨", "kilometers": "公里|km", "kilometres": "公里|km",
    "stations": "站", "charging stations": "充电站|充电桩", "base stations": "基站", "nodes": "节点",
    "clinical trial": "临床试验", "clinical trials": "临床试验", "clinical": "临床", "vaccine": "疫苗",
    "drug": "药", "drugs": "药物", "samples": "样本|样品", "devices": "设备|终端|器械", "device": "设备|终端|器械",
    "employment": "就业", "jobs": "就业|岗位", "talent": "人才", "talents": "人才", "training": "培训|培养",
    "solid-state": "固态", "hydrogen": "氢", "fuel cell": "燃料电池", "fuel-cell": "燃料电池", "lithium": "锂",
    "semiconductor": "半导体", "chip": "芯片", "chips": "芯片", "robot": "机器人", "robots": "机器人",
    "remote sensing": "遥感", "digital twin": "数字孪生", "silicon carbide": "碳化硅", "sic": "碳化硅",
    "gallium nitride": "氮化镓", "gan": "氮化镓", "sputtering target": "溅射靶材", "sputtering": "溅射",
    "copper": "铜", "aluminium": "铝", "aluminum": "铝", "titanium": "钛", "magnesium": "镁", "steel": "钢", "photoresist": "光刻胶",
    "electric drive": "电驱动|电驱", "photovoltaic": "光伏", "pv": "光伏", "energy storage": "储能",
    "dc power distribution": "直流配电", "power distribution": "配电", "capture rate": "捕集率",
    "carbon capture": "碳捕集", "cement kiln": "水泥窑", "cement": "水泥", "packaging": "封装", "display panel": "显示面板",
    # Materials and process targets (strength, purity, losses …), as materials guides set them.
    "tensile strength": "抗拉强度", "yield strength": "屈服强度", "strength": "强度", "elongation": "延伸率|伸长率",
    "purity": "纯度", "oxygen content": "氧含量", "impurity": "杂质", "thermal conductivity": "导热系数|热导率",
    "dielectric constant": "介电常数", "dielectric loss": "介质损耗|介电损耗", "loss factor": "损耗因子|损耗",
    "modulus": "模量", "hardness": "硬度", "thickness": "厚度", "density": "密度", "bio-based": "生物基",
    "heat resistance": "耐热", "heat-resistant": "耐热", "weight reduction": "减重", "conversion efficiency": "转换效率",
    "hydrogen production": "制氢", "electrolyzer": "电解槽", "failure rate": "失效率",
    "parameter count": "参数量", "number of parameters": "参数量", "parameter scale": "参数规模",
    "graduate students": "研究生", "postgraduates": "研究生", "master's students": "硕士", "engineers": "工程师|工程技术人员",
    "self-raised": "自筹", "self-funded": "自筹",
    # Fields of the family's programmes: English names a guide by its field (its title's words).
    "biomedicine": "生物医药", "biomedical": "生物医药", "biopharmaceutical": "生物医药", "biomedicines": "生物医药",
    "artificial intelligence": "人工智能", "smart manufacturing": "智能制造", "intelligent manufacturing": "智能制造",
    "digital economy": "数字经济", "modern agriculture": "现代农业", "agricultural": "农业", "agriculture": "农业",
    "new materials": "新材料", "new energy": "新能源", "low-carbon": "低碳", "low carbon": "低碳",
    "smart construction": "智能建造", "intelligent construction": "智能建造", "green building": "绿色建筑",
    "green buildings": "绿色建筑", "integrated circuits": "集成电路", "integrated circuit": "集成电路",
    "low-altitude economy": "低空经济", "low altitude economy": "低空经济", "new energy vehicles": "新能源汽车",
    "new-energy vehicles": "新能源汽车", "biomanufacturing": "生物制造", "modern logistics": "现代物流",
    "future industries": "未来产业", "future industry": "未来产业",
    "total funding": "资助总额", "total municipal funding": "资助总额", "total budget": "资助总额",
    "publish": "发布", "published": "发布", "smart transport": "智慧交通", "smart transportation": "智慧交通", "intelligent transportation": "智慧交通|智能交通",
    "intelligent transport": "智慧交通|智能交通", "transportation": "交通", "transport": "交通",
    "vehicle-road-cloud": "车路云", "vehicle-infrastructure": "车路", "roadside": "路侧", "rail transit": "轨道交通",
    "hospital": "医院", "hospitals": "医院", "bridges": "桥梁", "tunnels": "隧道", "pathogens": "病原体",
    "pathogen": "病原体", "paper": "纸质", "hard copy": "纸质", "hard copies": "纸质",
    # The general part's logistics (申报须知): the window, where to apply, limits per applicant.
    "online": "网上|在线", "online system": "系统 登录", "application system": "系统 登录", "application window": "申报时间|填报时间", "application period": "申报时间|填报时间",
    "submission window": "申报时间|填报时间", "open and close": "申报时间|填报时间",
    "online submission": "网上申报|网上填报|在线填报", "one institution": "同一单位", "same institution": "同一单位",
    "each institution": "同一单位", "per institution": "同一单位", "single institution": "同一单位",
    "one organization": "同一单位", "same organization": "同一单位", "one organisation": "同一单位",
    "same organisation": "同一单位", "each organization": "同一单位", "per organization": "同一单位",
    "same project leader": "同一项目负责人", "one project leader": "同一项目负责人", "project leader": "项目负责人",
    "principal investigator": "项目负责人", "age limit": "年龄", "hotline": "电话",
    # Spoken Chinese for the guide's terms: the same mechanism, a different source language.
    "自己掏": "自筹", "自掏腰包": "自筹", "自己出钱": "自筹", "自己出的钱": "自筹", "一家单位": "同一单位", "一个单位": "同一单位", "市里": "市级", "区里": "区级", "营收": "收入", "区县": "区级", "品质": "质量",
    # An error is written as 误差, 偏差 or a precision; an estimate as 预测 (产量预测误差).
    "偏差": "偏差|误差|精度", "误差": "误差|偏差|精度", "估算": "估算|预测|预估", "预估": "预估|预测|估算",
    # Taiwan's 影像 and 民众 are also mainland guides' own words (遥感影像, 服务民众): either counts.
    "影像": "影像|图像", "民众": "民众|群众",
    "准不准": "准确率|精度|误差", "测得准": "准确率|精度|误差", "准确度": "准确度|准确率|精度",
    # Words the family writes one way and applicants say another (噪音 of a 噪声 limit, 医院 of 医疗机构,
    # 常温 of a 室温 figure, 故障率 of a 失效率 target, 路边 of 路侧 units, 变形 of a 翘曲 bound).
    "噪音": "噪音|噪声", "医院": "医院|医疗机构", "常温": "常温|室温", "故障率": "故障率|失效率", "路边": "路边|路侧", "变形": "变形|翘曲",
    # Sales are a 销售额 in some guides and a 销售收入 in others; 同一个 is the guides' 同一.
    "销售额": "销售额|销售收入", "同一个": "同一",
    # Universities and institutes joining an enterprise is what guides call 产学研 (合作 / 联合).
    "科研院所": "科研院所|产学研", "研究院所": "研究院所|产学研", "科研机构": "科研机构|产学研",
    "高校": "高校|产学研", "高等院校": "高等院校|产学研", "大学": "大学|产学研",
}

# Spoken phrases rewritten into the guide's wording before anything else is read from a question:
# 卖多少钱 asks for the sales target (销售收入), not the funding its 多少钱 would otherwise name.
SPOKEN_REWRITES: dict[str, str] = {
    "卖多少钱": "销售 收入 多少", "卖了多少钱": "销售 收入 多少", "卖多少": "销售 收入 多少", "卖了多少": "销售 收入 多少",
    "卖出多少": "销售 收入 多少", "卖出去多少钱": "销售 收入 多少", "卖出去多少": "销售 收入 多少",
    # 哪个方向 / 每个方向: a call's directions are its projects.
    "哪个方向": "哪个项目", "哪些方向": "哪些项目", "每个方向": "每个项目", "各个方向": "各个项目", "一个方向": "一个项目",
    # 会支持几个, 只立一项, 拟支持的项目数: how many of a project are funded (拟支持 N 项).
    "只立一项": "拟支持 一项",
    "项目数最多": "拟支持 项 最多", "项目数最少": "拟支持 项 最少",
    "接多少": "接入 多少", "啥子": "什么", "咋个": "怎么", "交得到差": " ", "交得了差": " ", "交差": " ",
    # "During the project period" qualifies a target (执行期间…经济效益); it does not ask the period.
    "执行期间": " ", "实施期间": " ", "项目期间": " ", "during the execution period": " ",
    "during the implementation period": " ", "during the project period": " ", "within the project period": " ",
    "within the implementation period": " ", "by the end of the project": " ",
    "赚多少钱": "经济效益多少", "赚了多少": "经济效益多少", "赚多少": "经济效益多少", "挣多少钱": "经济效益多少",
    "创收": "收入", "用上": "应用", "用到": "应用",
    # "Within the project period" qualifies every target (执行期内…经济效益); it does not ask the period.
    "执行期内": " ", "实施期内": " ", "项目期内": " ", "周期内": " ",
    # 总体上 / 一般来说 say how broadly the asker asks, not what.
    "总体上": " ", "总的来说": " ", "整体上": " ", "一般来说": " ",
    # English phrases whose words alone mean something else: the lead organization's own
    # money is 承担单位出资, not 组织方式; granted patents are 授权, not a grant.
    "lead organization": "承担单位", "lead organisation": "承担单位", "leading organization": "承担单位",
    "undertaking unit": "承担单位", "undertaking organization": "承担单位", "lead unit": "承担单位",
    "undertaking company": "承担单位", "undertaking enterprise": "承担单位", "lead company": "承担单位",
    "lead enterprise": "承担单位",
    # "Who may lead the project": to lead an application is the guides' 牵头 (not a title's 引导).
    "lead": "牵头", "leads": "牵头",
    "一起配合": "联动", "一起推进": "联动", "一起搞": "联动", "配合推进": "联动", "显卡": "gpu 算力卡",
    "块钱": "元", "虚拟人": "数字人", "回过来": "响应", "回得过来": "响应", "盯着": "监测", "盯住": "监测", "提示词": "prompt", "嘴型": "唇形", "口型": "唇形", "智慧驾驶": "智能驾驶",
    "同时连线": "并发 接入", "同时在线": "并发 在线", "同时接入": "并发 接入", "线上": "在线",
    "提出申请": "申报", "研究机构": "科研院所", "效能": "性能", "资料集": "数据集", "资料": "数据",
    "patents granted": "授权 patents", "granted patents": "授权 patents", "to have granted": "授权",
    "to be granted": "授权", "get granted": "授权", "granted invention": "授权 invention",
}

# Taiwan and Hong Kong wording that character conversion leaves as it is (數位 → 数位, not 数字):
# folded in the question itself, so that naming a project or guide (積體電路 → 集成电路) sees the
# guide's word as well as the content does.
TAIWAN_WORDING: dict[str, str] = {
    "数位": "数字", "计画": "计划", "执行单位": "承担单位", "场域": "场景", "资讯": "信息",
    "晶片": "芯片", "营运": "运营", "辨识": "识别", "人工智慧": "人工智能", "厂商": "企业",
    "产学合作": "产学研", "支援": "支持", "建置": "建设", "透过": "通过", "网路": "网络", "专案": "项目",
    "主导": "牵头", "积体电路": "集成电路", "元件": "器件", "期程": "期限", "软体": "软件",
    "硬体": "硬件", "记忆体": "存储器", "伺服器": "服务器", "雷射": "激光",
}

# What a guide's general part (申报须知, 申报说明) answers: the application window, how and where to
# apply, contacts, limits per applicant, the batch as a whole. Asked of no project, these words
# point at the general part; a guide without one abstains.
GENERAL_WORDS = (
    "截止", "申报时间", "填报时间", "什么时候申报", "何时申报", "什么时候报", "逾期", "受理", "咨询", "电话",
    "联系方式", "联系人", "纸质", "限报", "同一单位", "同一项目负责人", "负责人年龄", "年龄", "怎么申报", "如何申报",
    "怎样申报", "怎么报", "申报方式", "申报系统", "网上申报", "在线填报", "网上填报", "哪里申报", "在哪申报",
    "在哪里报", "一共发布", "共发布", "资助总额", "中期评估", "里程碑", "推荐单位", "审核推荐", "总体要求",
    "同一个单位", "一个单位", "能报几", "报几个", "限项", "申请窗口", "申报窗口", "技术支持", "哪个系统",
    "什么系统", "线上申请", "网上申请", "在线申请", "一共给多少", "一共多少钱", "总共给多少", "总共多少钱",
    "一共有多少钱", "总共有多少钱", "同时申报", "同时报", "同时申请", "兼报", "一共拿出", "总共拿出", "职称", "学历",
    "total funding", "total municipal funding", "total budget", "projects does this call", "projects are published",
    "projects in this call", "this batch publish",
    "deadline", "how to apply", "apply online", "online system", "application system", "submit online", "contact", "phone", "telephone", "hotline", "paper", "hard cop",
)

# What guides of this family never say (deadlines, contacts, addresses): a question asking for one
# of these is not answered by a section that happens to match its other words, when the guide
# indeed lacks the word ("project 6's email address" is not 项目六 · 拟解决问题).
OFF_GUIDE = frozenset(
    "截止 截止日期 截止时间 联系人 联系方式 电话 邮箱 地址 网址 模板 评审专家 利率 贷款 保证金 天气 公布 材料 "
    "知识产权 归属 公示".split()
)
# … and what a general part says in these very words when it says it at all (负责人年龄原则上不超过 55
# 周岁): a general ask for one that the guide never writes is not answered by the limits beside it.
GENERAL_NOUNS = frozenset("年龄 周岁 邮箱 地址 网址 职称 学历".split())

# Words that carry no content in a question; they must not count as evidence.
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 么 是 有 要 在 和 与 及 或 对 把 被 给 就 都 也 还 又 这 那 这个 那个 哪个 什么 怎么 怎样 "
    "如何 多少 几 几个 哪些 哪 请问 一下 我 我们 你 你们 他 它 个 项 项目 指南 里 中 上 下 请 想 知道 问 能 "
    "可以 需要 需 吗? 啥 咋 呗 嘛 一个 每个 各 各个 所有 分别 是否 有没有 有无 应 应该 该 其 之 以 为 "
    "搞 弄 做 干 拿 整 由 从 向 被 让 得 数量 数目 多少个 几项 几家 几种 具体 情况 相关 方面 "
    "这些 那些 一般 通常 大概 大约 大致 一共 总共 都 分别是 一样 不同 区别 么样 怎么样 "
    "申请 获得 获批 提交 达成 拿到 取得 "
    # Converting a figure (换算成万元, 折合多少) asks the figure itself; 另外 / 额外 add nothing asked.
    "换算 换算成 折合 折算 相当于 另外 另行 额外 主要 "
    # 拟 (intends to) is the guides' own modal: 拟支持, 拟解决问题; a leftover 拟 asks nothing.
    "拟 而是 "
    # 需要满足什么条件, 对产学研合作是什么态度, 会不会: the frame of an ask, not what is asked.
    "满足 态度 会 "
    # Joiners and the asker's own frame (自己开直线的时候, 够不够): no guide is asked about them.
    "或者 或是 还是 时候 的时候 自己 够不够 够 够了 左右 能不能 不能 能否 可否 可不可以 行不行 "
    # 需要经过哪一级机构审定: the level asked is the answer's (省级及以上), not a word of it.
    "经过 哪一级 哪级 哪一级别 什么级别 到底 究竟 做到 啥水平 什么水平 过去 过来 "
    # Verbs of mention (哪些项目涉及方言) ask only for what follows; degree words (经费最多) only
    # rank what the table shows.
    "涉及 包含 包括 含有 含 提到 提及 关于 有关 涵盖 最 多 少 更 比较 较 提出 提 至少 只 只有 是不是 不是 "
    # Degree questions and a caller's politeness (麻烦讲一下, 我想了解) ask for nothing themselves.
    "多大 多高 多快 多远 多宽 麻烦 讲 讲讲 说 说说 介绍 了解 告诉 帮 帮忙 看看 查 查询 排在 排 给我 想要 "
    # Plans, targets and bounds (计划, 目标, 下限为何, 恰好为) frame the ask; 第 and measure words
    # (几件, 多少台) are left over from numbers and positions.
    "好 做出 才 好多 交差 交得到差 要得 要得不 算数 才算数 过关 才过关 第一批 一批 第一 的话 进来 列 列出 列一下 罗列 没有 出现 一律 均 均为 都是 采 哦 嘛 啦 哈 嗯 噢 喔 达标 才算 算 出来 起来 下来 最后 最终 "
    "那边 这边 那头 拿出 拿出来 掏出 接近 差不多 比如 例如 譬如 看到 看见 找到 就 而言 须 必须 务必 非得 非要 一定要 得要 就能 计划 打算 准备 目标 下限 上限 为何 何 恰好 正好 刚好 定为 写 写的 类型 种类 类别 哪类 哪种 第 "
    "件 台 辆 条 张 位 名 次 套 批 种 类 座 款 份 笔 例 "
    # Modifiers a table of every project answers as well as any: 这批项目的周期, 最长做几年.
    "这批 本批 该批 这一批 最长 最短 最多 最少 最高 最低 最大 最小 采用 采取 属于 特别 特殊 各自 可以 能够 "
    "the a an of for to in on is are was be what which who whom how does do did much many about "
    "project projects please tell me i we you it this that there any each all per with by from".split()
)

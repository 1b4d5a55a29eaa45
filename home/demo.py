"""Demo assessment documents and manuals, published, each with a PDF to download."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape

from .models import AssessmentDocumentPage, DocumentCategory, DocumentIndexPage, PortalDocument

ORDER = 30

# (slug, title, category slug, years ago, number, issuer, summary, paragraphs)
DOCUMENTS = [
    (
        "niandu-kaohe-banfa",
        "县委组织部干部考核办法",
        "kaohe-wenjian",
        1,
        "县组通〔{year}〕12号",
        "中共XX县委组织部",
        "规定全县领导班子和领导干部年度考核的内容、方法、程序和结果运用。",
        [
            "第一条 为全面准确评价领导班子和领导干部的工作实绩，根据有关规定，结合本县实际，制定本办法。",
            "第二条 年度考核由工作目标考核和综合测评两部分组成，工作目标考核占百分之五十。",
            "第三条 考核等次分为优秀、称职、基本称职和不称职，优秀等次比例一般不超过百分之二十。",
        ],
    ),
    (
        "mubiao-guanli-xize",
        "工作目标管理考核实施细则",
        "kaohe-wenjian",
        0,
        "县考核办〔{year}〕3号",
        "县考核办",
        "明确年度工作目标的制定、分解、进展报告、督导点评和评分办法。",
        [
            "一、各单位于每年一月底前完成年度工作目标录入，定量目标须关联指标字典并按统一计量单位填报。",
            "二、工作目标应分解到每位班子成员，明确主办、协办角色和是否纳入考核。",
            "三、各单位按季度报告工作进展，完成的目标以红旗标识。",
        ],
    ),
    (
        "zonghe-ceping-guicheng",
        "综合测评工作规程",
        "kaohe-wenjian",
        0,
        "县考核办〔{year}〕5号",
        "县考核办",
        "规定测评主体分类、随机测评账号、强制分布和计票规则。",
        [
            "一、测评账号按测评主体分类随机生成，一人一号，提交后自动失效。",
            "二、每类测评主体评定“优秀”的比例不超过百分之三十。",
            "三、测评结束后系统自动计票，考核办复核后公布结果。",
        ],
    ),
    (
        "danwei-guanliyuan-shouce",
        "单位系统管理员操作手册",
        "caozuo-shouce",
        0,
        "",
        "县考核办",
        "单位系统管理员录入工作目标、分解任务、报告进展和回复点评的操作说明。",
        [
            "1. 登录：使用考核办分配的用户名和密码登录管理后台。",
            "2. 目标录入：在“工作目标”中按树形结构新增、移动、复制目标。",
            "3. 进展报告：按期导出Excel模板，填写后导入并核对预览。",
        ],
    ),
    (
        "ceping-zhanghao-shuoming",
        "测评账号使用说明",
        "caozuo-shouce",
        0,
        "",
        "县考核办",
        "评议人员凭纸质账号条登录门户进行网上测评的步骤。",
        ["1. 打开门户首页，点击“网上测评”。", "2. 输入账号条上的测评码。", "3. 逐项评价后提交，提交后不能修改。"],
    ),
    (
        "kaizhan-niandu-kaohe-tongzhi",
        "关于开展年度考核工作的通知",
        "tongzhi-gonggao",
        0,
        "县考核办〔{year}〕9号",
        "县考核办",
        "部署本年度领导班子和领导干部考核工作的时间安排和具体要求。",
        [
            "各乡镇、街道，县直各单位：",
            "现就做好本年度考核工作通知如下：一、十二月底前完成工作总结；二、一月中旬开展综合测评。",
        ],
    ),
    (
        "shangnian-kaohe-jieguo-gonggao",
        "上年度考核结果公告",
        "tongzhi-gonggao",
        1,
        "县考核办〔{year}〕15号",
        "县考核办",
        "公布上年度领导班子和领导干部考核等次。",
        ["经县委审定，现将上年度考核结果予以公告。"],
    ),
]


def _pdf(title: str, number: str, paragraphs: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = (
        "<html><head><style>@page { size: A4; margin: 2.5cm } "
        "body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 14pt; line-height: 1.8 } "
        "h1 { text-align: center; font-size: 20pt } .no { text-align: center }</style></head><body>"
        f"<h1>{escape(title)}</h1><p class='no'>{escape(number)}</p>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


@transaction.atomic
def load(*, stdout=None) -> dict:
    index = DocumentIndexPage.objects.first()
    if index is None:
        return {"documents": 0}
    this_year = date.today().year
    categories = {category.slug: category for category in DocumentCategory.objects.all()}
    count = 0
    for slug, title, category_slug, years_ago, number, issuer, summary, paragraphs in DOCUMENTS:
        year = this_year - years_ago
        number = number.format(year=year)
        page = AssessmentDocumentPage.objects.filter(slug=slug).first()
        if page is None:
            attachment = PortalDocument(title=title)
            attachment.file.save(f"{slug}.pdf", ContentFile(_pdf(title, number, paragraphs)), save=True)
            page = AssessmentDocumentPage(
                title=title,
                slug=slug,
                category=categories[category_slug],
                year=year,
                document_number=number,
                issuer=issuer,
                issued_on=date(year, 2 if years_ago else 1, 15),
                summary=summary,
                body="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
                attachment=attachment,
            )
            index.add_child(instance=page)
            page.save_revision().publish()
        count += 1
    return {"documents": count}

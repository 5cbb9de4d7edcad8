"""Japanese and English UI text. Japanese is the default; ``?lang=en`` switches and a cookie remembers.

Each context adds its own catalogue with :func:`register`; templates call ``t('key')``. A missing key shows
the key itself, so a gap is visible rather than silent.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LANGUAGES", "register", "translate"]

LANGUAGES = ("ja", "en")
_CATALOG: dict[str, dict[str, str]] = {}


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add ``key -> (ja, en)`` entries; a key registered twice with different text is a bug."""
    for key, (ja, en) in entries.items():
        old = _CATALOG.get(key)
        if old is not None and old != {"ja": ja, "en": en}:
            raise ValueError(f"UI text {key!r} registered twice with different wording")
        _CATALOG[key] = {"ja": ja, "en": en}


def translate(key: str, lang: str) -> str:
    entry = _CATALOG.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


register(
    {
        "app.name": ("junkan 循環", "junkan 循環"),
        "app.tagline": (
            "サーキュラーエコノミー情報流通プラットフォーム",
            "Circular-economy information platform",
        ),
        "nav.home": ("ホーム", "Home"),
        "nav.members": ("会員", "Members"),
        "nav.passports": ("製品パスポート", "Passports"),
        "nav.trace": ("トレーサビリティ", "Traceability"),
        "nav.regions": ("地域循環モデル", "Regions"),
        "nav.tokens": ("APIトークン", "API tokens"),
        "nav.audit": ("監査ログ", "Audit log"),
        "nav.api": ("API", "API"),
        "nav.login": ("ログイン", "Sign in"),
        "nav.logout": ("ログアウト", "Sign out"),
        "demo.banner": (
            "デモデータ：表示されている組織・数値は架空のデモ用データです",
            "Demo data: the organisations and figures shown are fictional demo data",
        ),
        "demo.tag": ("デモ", "demo"),
        "lang.switch": ("English", "日本語"),
        "login.title": ("ログイン", "Sign in"),
        "login.email": ("メールアドレス", "E-mail"),
        "login.password": ("パスワード", "Password"),
        "login.submit": ("ログイン", "Sign in"),
        "login.failed": ("メールアドレスまたはパスワードが違います", "E-mail or password is wrong"),
        "login.demo_hint": (
            "デモ: 例えば admin@minato-city.demo / demo-password-2026 でログインできます",
            "Demo: sign in as e.g. admin@minato-city.demo / demo-password-2026",
        ),
        "home.title": ("循環をつなぐ情報基盤", "The information platform that closes the loop"),
        "home.intro": (
            "製品・素材の情報を動脈・静脈産業と自治体の間で共有し、再生材の利用、環境配慮設計、地域の資源循環を見える化します。",
            "Share product and material data between manufacturers, recyclers and municipalities; make "
            "recycled content, eco-design and regional circulation visible.",
        ),
        "members.title": ("会員名簿", "Member directory"),
        "members.stats": ("種別ごとの会員数", "Members by type"),
        "members.search": ("検索", "Search"),
        "members.kind": ("種別", "Type"),
        "members.all": ("すべて", "All"),
        "members.name": ("名称", "Name"),
        "members.sector": ("業種", "Sector"),
        "members.since": ("加入日", "Member since"),
        "members.count": ("件", "organisations"),
        "members.overdue": ("期限を過ぎた義務がある会員", "Members with overdue obligations"),
        "members.overdue_show": ("一覧を表示", "Show the list"),
        "stats.total": ("会員数 合計", "Total members"),
        "stats.companies": ("企業", "Companies"),
        "stats.large": ("大企業", "Large companies"),
        "stats.smes": ("中小企業", "SMEs"),
        "stats.small": ("うち小規模企業", "of which small"),
        "stats.associations": ("業界団体", "Industry associations"),
        "stats.municipalities": ("自治体", "Municipalities"),
        "stats.universities": ("大学・研究機関", "Universities and research"),
        "stats.related": ("関係機関", "Related organisations"),
        "kind.company_large": ("大企業", "Large company"),
        "kind.company_sme": ("中小企業", "SME"),
        "kind.company_small": ("小規模企業", "Small business"),
        "kind.association": ("業界団体", "Industry association"),
        "kind.municipality": ("自治体", "Municipality"),
        "kind.university": ("大学・研究機関", "University / research"),
        "kind.related": ("関係機関", "Related organisation"),
        "kind.regulator": ("規制当局", "Regulator"),
        "kind.certifier": ("認証機関", "Certifier"),
        "org.profile": ("組織情報", "Profile"),
        "org.corporate_number": ("法人番号", "Corporate number"),
        "org.municipality_code": ("地方公共団体コード", "Local government code"),
        "org.contact": ("連絡先", "Contact"),
        "org.facilities": ("拠点・施設", "Facilities"),
        "org.partnerships": ("連携", "Partnerships"),
        "org.targets": ("CE目標と進捗", "CE targets and progress"),
        "org.obligations": ("未提出の義務", "Obligations due"),
        "org.no_facilities": ("公開されている拠点はありません", "No public facilities"),
        "org.no_partnerships": ("連携はありません", "No partnerships"),
        "org.no_targets": ("公表された目標はありません", "No declared targets"),
        "facility.kind": ("種別", "Kind"),
        "facility.address": ("所在地", "Address"),
        "facility.private": ("非公開", "private"),
        "facility.capacity": ("処理能力 (t/年)", "Capacity (t/yr)"),
        "fkind.factory": ("工場", "Factory"),
        "fkind.sorting_plant": ("選別施設", "Sorting plant"),
        "fkind.recycling_plant": ("リサイクル施設", "Recycling plant"),
        "fkind.collection_point": ("回収拠点", "Collection point"),
        "fkind.store": ("店舗", "Store"),
        "fkind.warehouse": ("倉庫", "Warehouse"),
        "fkind.office": ("事務所", "Office"),
        "fkind.incinerator": ("焼却施設", "Incinerator"),
        "partner.status": ("状態", "Status"),
        "partner.with": ("相手先", "With"),
        "partner.actions": ("操作", "Actions"),
        "partner.accept": ("承認", "Accept"),
        "partner.decline": ("辞退", "Decline"),
        "partner.revoke": ("解消", "Revoke"),
        "partner.request": ("連携を申請", "Request a partnership"),
        "partner.note": ("申請メッセージ（任意）", "Message (optional)"),
        "pstatus.requested": ("申請中", "requested"),
        "pstatus.accepted": ("承認済み", "accepted"),
        "pstatus.declined": ("辞退", "declined"),
        "pstatus.revoked": ("解消", "revoked"),
        "target.metric": ("指標", "Metric"),
        "target.baseline": ("基準", "Baseline"),
        "target.target": ("目標", "Target"),
        "target.progress": ("進捗", "Progress"),
        "target.draft": ("下書き", "draft"),
        "target.overdue": ("期限超過", "overdue"),
        "target.due": ("期限", "due"),
        "obl.declare_target": ("CE目標の設定", "Declare a CE target"),
        "obl.report_progress": ("進捗報告", "Progress report"),
        "tokens.title": ("APIトークン", "API tokens"),
        "tokens.name": ("名前", "Name"),
        "tokens.scopes": ("権限", "Scopes"),
        "tokens.expires": ("有効期限", "Expires"),
        "tokens.days": ("有効日数", "Valid for (days)"),
        "tokens.create": ("トークンを作成", "Create token"),
        "tokens.revoke": ("失効", "Revoke"),
        "tokens.revoked": ("失効済み", "revoked"),
        "tokens.new_once": (
            "このトークンは今だけ表示されます。安全な場所に保管してください。",
            "This token is shown only now. Store it somewhere safe.",
        ),
        "tokens.none": ("トークンはありません", "No tokens"),
        "audit.title": ("監査ログ", "Audit log"),
        "audit.at": ("日時", "When"),
        "audit.who": ("実行者", "Who"),
        "audit.action": ("操作", "Action"),
        "audit.entity": ("対象", "What"),
        "audit.from": ("接続元", "From"),
        "common.save": ("保存", "Save"),
        "common.error": ("エラー", "Error"),
        "common.previous": ("前へ", "Previous"),
        "common.next": ("次へ", "Next"),
        "common.page": ("ページ", "Page"),
        "common.not_found": ("見つかりません", "Not found"),
        "common.sign_in_required": ("この画面にはログインが必要です", "Please sign in to see this page"),
        "common.forbidden": ("この操作の権限がありません", "You are not allowed to do this"),
        "common.yes": ("はい", "yes"),
        "common.no": ("いいえ", "no"),
    }
)

"""UI text of the regions pages (Japanese first, English), registered with ``junkan.web.i18n``."""

from __future__ import annotations

from junkan.web.i18n import register

__all__ = ["TEXT", "register_text"]

TEXT: dict[str, tuple[str, str]] = {
    "regions.title": ("地域循環モデル", "Regional circulation models"),
    "regions.intro": (
        "自治体・都道府県・広域連携の地域プロフィールと一般廃棄物の統計から、地域循環指標を同類型の地域と比"
        "べ、"
        "地域に合った循環の構築方法（8手法）を推奨し、シナリオで効果を試算し、パイロットの効果を測定します。",
        "Profiles and municipal waste statistics of municipalities, prefectures and wide-area groups: regio"
        "nal "
        "CE indicators against similar regions, the eight ways to build a loop ranked for each region, "
        "scenarios that project their effect, and pilots measured against comparison regions.",
    ),
    "regions.search": ("検索", "Search"),
    "regions.search_hint": ("名称または団体コード", "Name or local government code"),
    "regions.kind": ("種別", "Kind"),
    "regions.kind.municipality": ("市区町村", "Municipality"),
    "regions.kind.prefecture": ("都道府県", "Prefecture"),
    "regions.kind.group": ("広域連携", "Wide-area group"),
    "regions.count": ("地域", "regions"),
    "regions.name": ("名称", "Name"),
    "regions.code": ("団体コード", "Code"),
    "regions.population": ("人口", "Population"),
    "regions.persons": ("人", "people"),
    "regions.latest": ("最新年度", "Latest year"),
    "regions.none": ("該当する地域はありません", "No regions match"),
    "regions.not_found": (
        "この地域はプラットフォームに登録されていません。地域一覧から選ぶか、統計を取り込んでください。",
        "This region is not on the platform. Pick one from the list, or import its statistics.",
    ),
    "regions.sections": ("地域のページ", "Region pages"),
    "regions.tab.dashboard": ("指標ダッシュボード", "Dashboard"),
    "regions.tab.recommendations": ("推奨モデル", "Recommended models"),
    "regions.tab.scenarios": ("シナリオ", "Scenarios"),
    "regions.tab.pilots": ("パイロット評価", "Pilots"),
    "regions.year": ("年度", "Fiscal year"),
    "regions.years": ("年", "years"),
    "regions.yr": ("年", "yr"),
    "regions.peers": ("比較対象", "Compare with"),
    "regions.peers.kind": ("全ての市区町村（同じ種別）", "all regions of the same kind"),
    "regions.peers.population_class": ("同じ人口規模の地域", "regions of the same population size"),
    "regions.peers.typology": ("同じ類型の地域（人口×産業×拠点）", "regions of the same type"),
    "regions.show": ("表示", "Show"),
    "regions.compared_with": ("比較対象:", "Compared with"),
    "regions.regions_of": ("地域 —", "regions —"),
    "regions.rank_note": (
        "順位はこの年度のデータがある地域の中での順位です。",
        "Ranks count the regions with data for this year.",
    ),
    "regions.demo_note": ("デモ用の架空データです", "fictional demo data"),
    "regions.key_figures": ("主な指標", "Key figures"),
    "regions.peer_median": ("比較対象の中央値", "Peer median"),
    "regions.no_level": ("比較できる地域がありません", "no peers to compare"),
    "regions.typology": ("地域類型", "Region type"),
    "regions.why_typology": ("類型の根拠", "Why this type"),
    "regions.typology_rule": (
        "人口規模は地方自治法の区分（政令指定都市50万人以上・中核市20万人以上・市5万人以上）、主産業は就業"
        "者の"
        "特化係数（地域の構成比÷全国の構成比、2020年国勢調査）が最大の産業、リサイクル拠点は日量50トン以上の"
        "選別・資源化施設の有無で判定します。",
        "Population size follows the Local Autonomy Act (designated city ≥ 500,000, core city ≥ 200,000, "
        "city ≥ 50,000); the main industry is the sector with the highest location quotient of employment "
        "(regional share ÷ national share, 2020 census); a recycling hub is a sorting or recycling facility "
        "of at least 50 t/day.",
    ),
    "regions.sector": ("産業", "Sector"),
    "regions.lq": ("特化係数", "Location quotient"),
    "regions.pop.designated_city": ("政令指定都市規模（50万人以上）", "Designated-city size (≥ 500k)"),
    "regions.pop.core_city": ("中核市規模（20万人以上）", "Core-city size (≥ 200k)"),
    "regions.pop.city": ("市規模（5万人以上）", "City size (≥ 50k)"),
    "regions.pop.town_village": ("町村規模（5万人未満）", "Town or village (< 50k)"),
    "regions.pop.unknown": ("人口不明", "Population unknown"),
    "regions.industry.agriculture_forestry_fisheries": ("農林水産業", "Agriculture, forestry, fisheries"),
    "regions.industry.manufacturing": ("製造業", "Manufacturing"),
    "regions.industry.construction": ("建設業", "Construction"),
    "regions.industry.commerce_tourism_services": ("商業・観光・サービス業", "Commerce, tourism, services"),
    "regions.industry.unknown": (
        "主産業不明（就業者データなし）",
        "Main industry unknown (no employment data)",
    ),
    "regions.hub.yes": ("リサイクル拠点あり", "Recycling hub"),
    "regions.hub.no": ("リサイクル拠点なし", "No recycling hub"),
    "regions.indicator_tree": ("地域循環指標", "Regional CE indicators"),
    "regions.tree_intro": (
        "4つの視点（環境制約・資源制約・成長・暮らし）ごとの指標です。「計算の根拠」を開くと、式・入力値・"
        "出典を確認できます。",
        "Indicators under the four purposes (environment, resources, growth, well-being). Open “How it is "
        "computed” to see the formula, the inputs and their sources.",
    ),
    "regions.score": ("視点スコア", "Score"),
    "regions.indicator": ("指標", "Indicator"),
    "regions.value": ("値", "Value"),
    "regions.position": ("順位", "Rank"),
    "regions.maturity": ("成熟度", "Maturity"),
    "regions.how": ("計算の根拠", "How it is computed"),
    "regions.formula": ("式", "Formula"),
    "regions.better_higher": ("高いほど良い", "higher is better"),
    "regions.better_lower": ("低いほど良い", "lower is better"),
    "regions.input": ("入力", "Input"),
    "regions.unit": ("単位", "Unit"),
    "regions.source": ("出典", "Source"),
    "regions.sources": ("出典", "Sources"),
    "regions.peer_note": (
        "順位と成熟度は比較対象の地域の中での相対位置です。",
        "Rank and maturity are relative to the compared regions.",
    ),
    "regions.range": ("比較対象の範囲", "peer range"),
    "regions.no_data": ("データなし", "no data"),
    "regions.no_data_hint": (
        "必要な統計またはプラットフォームのデータがまだありません（0ではありません）",
        "The statistics or platform data this needs are not there yet (this is not zero)",
    ),
    "regions.maturity_note": (
        "成熟度は比較対象の中の百分位を5段階（着手期・発展期・定着期・先進期・先導期）に分けた相対評価です"
        "。公的な絶対基準はまだありません。",
        "Maturity splits the percentile among compared regions into five levels (starting, developing, "
        "established, advanced, leading): a relative scale, as no official absolute one exists yet.",
    ),
    "regions.trends": ("推移（比較対象の中央値と比較）", "Trends (against the peer median)"),
    "regions.score_note": (
        "視点スコアは、その視点の指標の百分位を重み付きで平均した値（0〜100、高いほど比較対象の中で良い）です。",
        "A perspective's score is the weighted mean of its indicators' percentiles (0-100, higher is better "
        "among the compared regions).",
    ),
    "regions.platform_intro": (
        "次の値はプラットフォームに登録された会員・施設から自動で集計しています。",
        "These figures are counted automatically from the members and facilities registered on the platform.",
    ),
    "regions.var.circular_businesses": ("循環型事業者数", "Circular businesses"),
    "regions.var.circular_jobs": ("循環型雇用", "Circular jobs"),
    "regions.var.reuse_repair_sharing_events": (
        "リユース・リペア・シェアリング件数",
        "Reuse/repair/sharing events",
    ),
    "regions.var.reuse_repair_sharing_t": ("リユース・リペア・シェアリング量", "Reuse/repair/sharing tonnes"),
    "regions.var.group_collection_households": ("集団回収参加世帯", "Group-collection households"),
    "regions.var.recyclables_collected_t": ("資源物回収量", "Recyclables collected"),
    "regions.var.recyclables_processed_in_region_t": (
        "域内で再資源化された量",
        "Recyclables processed in region",
    ),
    "regions.table": ("数値の表", "Table of values"),
    "regions.platform_data": ("プラットフォームのデータ", "Platform data"),
    "regions.facilities": ("施設", "Facilities"),
    "regions.facility_kind": ("種類", "Kind"),
    "regions.capacity": ("処理能力（t/日）", "Capacity (t/day)"),
    "regions.origin": ("登録元", "Listed by"),
    "regions.origin.platform": ("会員の施設", "member's facility"),
    "regions.origin.linked": ("自治体登録（会員施設と連携）", "region, linked to a member's facility"),
    "regions.origin.region": ("自治体登録", "region"),
    "regions.no_facilities": ("施設は登録されていません", "No facilities listed"),
    "regions.fkind.incinerator": ("焼却施設", "Incinerator"),
    "regions.fkind.sorting": ("選別施設", "Sorting plant"),
    "regions.fkind.recycling": ("資源化・リサイクル施設", "Recycling plant"),
    "regions.fkind.composting": ("堆肥化施設", "Composting"),
    "regions.fkind.landfill": ("最終処分場", "Landfill"),
    "regions.fkind.reuse_centre": ("リユース拠点", "Reuse centre"),
    "regions.fkind.bulky_waste_route": ("粗大ごみ回収ルート", "Bulky-waste route"),
    "regions.reports": ("レポート", "Reports"),
    "regions.reports_intro": (
        "プロフィール・指標・推奨モデル・シナリオをまとめたレポートをダウンロードできます（PDFは日本語）。",
        "Download the profile, indicators, recommended models and a scenario as one report (the PDF is in "
        "Japanese).",
    ),
    "regions.report_pdf": ("地域循環レポート（PDF・日本語）", "Region report (PDF, Japanese)"),
    "regions.report_xlsx": ("地域循環レポート（Excel）", "Region report (Excel)"),
    "regions.with_scenario": ("シナリオ付き", "With scenario"),
    "regions.recs_intro": (
        "8つの循環の構築方法を、この地域の条件（前提条件・想定効果・既にある要素・同類型の実施例）で順位付"
        "けしました。",
        "The eight ways to build a regional loop, ranked for this region by preconditions, expected effect, "
        "elements already in place and similar regions that run them.",
    ),
    "regions.recs_basis": ("効果の基準量", "Effects based on"),
    "regions.rec_score": ("推奨スコア", "Recommendation score"),
    "regions.rank": ("順位", "Rank"),
    "regions.side.reuse": ("再利用", "Reuse"),
    "regions.side.recycling": ("再生利用", "Recycling"),
    "regions.feasible": ("実施可能", "Feasible"),
    "regions.not_feasible": ("必須条件を満たさない", "Required condition not met"),
    "regions.eff.tonnes": ("削減・資源化量", "Tonnes diverted"),
    "regions.eff.ghg": ("GHG削減", "GHG avoided"),
    "regions.eff.cost": ("正味費用", "Net cost"),
    "regions.eff.jobs": ("雇用", "Jobs"),
    "regions.million_yen": ("百万円", "M JPY"),
    "regions.people": ("人", "people"),
    "regions.reasons": ("理由", "Reasons"),
    "regions.elements": ("必要な要素", "Elements it draws on"),
    "regions.to_build": ("整備が必要", "to build"),
    "regions.assumptions": ("効果パラメータの根拠", "Basis of the effect parameters"),
    "regions.recs_method": (
        "スコア = 0.4×実施可能性 + 0.35×想定効果 + 0.1×要素の充足 + 0.15×同類型の実施例（各0〜1）。効果は参"
        "加率50%・最頻値での年間の定常値です。",
        "Score = 0.4 × feasibility + 0.35 × expected effect + 0.1 × elements in place + 0.15 × similar "
        "regions running it (each 0-1). Effects are yearly steady state at 50 % participation, mode values.",
    ),
    "regions.to_builder": ("この結果でシナリオを作る", "Build a scenario from these"),
    "regions.saved_scenarios": ("保存されたシナリオ", "Saved scenarios"),
    "regions.published": ("公開", "published"),
    "regions.private": ("非公開", "private"),
    "regions.yours": ("（あなたの組織）", "(your organisation)"),
    "regions.no_scenarios": ("表示できるシナリオはありません", "No scenarios to show"),
    "regions.builder": ("シナリオを作る", "Build a scenario"),
    "regions.builder_intro": (
        "手法を選び、参加率・回収率・立ち上げ年数を設定すると、10年間の効果をモンテカルロ法（P10/P50/P90）"
        "で試算して保存します。",
        "Choose methods and set participation, capture rate and ramp-up; ten years of effects are projected "
        "by Monte Carlo (P10/P50/P90) and saved.",
    ),
    "regions.sign_in_to_build": (
        "シナリオの作成・保存にはログインが必要です。",
        "Sign in to build and save scenarios.",
    ),
    "regions.scenario_name": ("シナリオ名", "Scenario name"),
    "regions.scenario_name_hint": ("例: 2026年度 分別強化案", "e.g. FY2026 sorting plan"),
    "regions.baseline_year": ("基準年度（統計がそろう年度）", "Baseline year (complete statistics)"),
    "regions.draws": ("試行回数", "Monte Carlo draws"),
    "regions.choose_methods": ("手法（推奨順）", "Methods (in recommended order)"),
    "regions.participation": ("参加率", "Participation"),
    "regions.capture": ("回収率", "Capture rate"),
    "regions.capture_hint": ("空欄なら手法の想定値。想定範囲", "Empty: the catalogue value. Range"),
    "regions.ramp": ("立ち上げ期間", "Ramp-up"),
    "regions.note": ("メモ", "Note"),
    "regions.private_until_published": (
        "保存したシナリオは、公開するまであなたの組織だけが見られます。",
        "A saved scenario is visible to your organisation only until you publish it.",
    ),
    "regions.run_and_save": ("試算して保存", "Run and save"),
    "regions.bad_number": (
        "数値の欄に数字以外が入っています。参加率・回収率は0〜100の数字で入力してください。",
        "A number field holds something else: give participation and capture as numbers 0-100.",
    ),
    "regions.chosen_methods": ("選んだ手法", "Chosen methods"),
    "regions.method": ("手法", "Method"),
    "regions.catalogue_value": ("想定値", "catalogue"),
    "regions.baseline": ("基準", "Baseline"),
    "regions.draws_done": ("回の試行", "draws"),
    "regions.after_years": ("時点の効果（10年目）", "effects in the final year"),
    "regions.metric": ("項目", "Metric"),
    "regions.metric.diverted_from_incineration_t": ("焼却削減量", "Diverted from incineration"),
    "regions.metric.diverted_from_landfill_t": ("埋立削減量", "Diverted from landfill"),
    "regions.metric.recycling_rate_change_pp": ("リサイクル率の上昇", "Recycling rate change"),
    "regions.metric.ghg_avoided_t": ("GHG削減量", "GHG avoided"),
    "regions.metric.net_cost_jpy": ("正味費用", "Net cost"),
    "regions.metric.jobs": ("雇用", "Jobs"),
    "regions.unit.diverted_from_incineration_t": ("t/年", "t/yr"),
    "regions.unit.diverted_from_landfill_t": ("t/年", "t/yr"),
    "regions.unit.recycling_rate_change_pp": ("ポイント", "percentage points"),
    "regions.unit.ghg_avoided_t": ("t-CO2e/年", "t CO2e/yr"),
    "regions.unit.net_cost_jpy": ("百万円/年", "M JPY/yr"),
    "regions.generated": ("ごみ総排出量", "waste generated"),
    "regions.incinerated": ("焼却量", "incinerated"),
    "regions.recycling_rate": ("リサイクル率", "recycling rate"),
    "regions.unit.jobs": ("人", "jobs"),
    "regions.p_explain": (
        "P50は中央値、P10〜P90は試行の80%が入る範囲です。",
        "P50 is the median; P10-P90 holds 80 % of the draws.",
    ),
    "regions.all_years": ("年度ごとの値（P50）", "Every year (P50)"),
    "regions.assumption_note": (
        "手法ごとの効果パラメータは2026年度からのパイロットで実測されるまでの想定値です（推奨モデルの「効果"
        "パラメータの根拠」参照）。",
        "Per-method effect parameters are assumptions until the FY2026 pilots measure them (see each "
        "method's basis on the recommendations page).",
    ),
    "regions.downloads": ("ダウンロード", "Downloads"),
    "regions.export_csv": ("試算結果（CSV）", "Results (CSV)"),
    "regions.export_xlsx": ("試算結果（Excel）", "Results (Excel)"),
    "regions.not_run": ("このシナリオはまだ試算されていません。", "This scenario has not been run yet."),
    "regions.publish": ("公開する", "Publish"),
    "regions.unpublish": ("非公開に戻す", "Withdraw (make private)"),
    "regions.publish_hint": (
        "公開すると誰でも閲覧できます。変更できるのはあなたの組織だけです。",
        "Once published anyone can read it; only your organisation can change it.",
    ),
    "regions.pilots_intro": (
        "パイロット事業の効果を、比較対象の地域との差の差（DiD）で測定します。データが結論を支えない場合は"
        "、その理由を示します。",
        "Pilot effects are measured by difference-in-differences against comparison regions; when the data "
        "cannot support a conclusion, the page says why.",
    ),
    "regions.pilots_api": (
        "パイロットの登録・再測定は API（POST /api/v1/regions/{code}/pilots）で行えます。",
        "Register and re-measure pilots through the API (POST /api/v1/regions/{code}/pilots).",
    ),
    "regions.no_pilots": ("表示できるパイロットはありません", "No pilots to show"),
    "regions.start": ("開始年度", "Start"),
    "regions.effect": ("効果", "Effect"),
    "regions.pp": ("ポイント", "percentage points"),
    "regions.effect_means": (
        "パイロット開始後、比較対象の地域の変化を差し引いて、指標がこれだけ変わりました。",
        "After the pilot started, the indicator changed by this much beyond the comparison regions' change.",
    ),
    "regions.conclusion": ("結論", "Conclusion"),
    "regions.conclusive": ("効果を確認", "effect shown"),
    "regions.inconclusive": ("結論できない", "cannot conclude"),
    "regions.conclusive_h": ("効果を確認できました", "The data show an effect"),
    "regions.inconclusive_h": ("このデータからは結論できません", "The data cannot support a conclusion"),
    "regions.ci": ("信頼区間", "confidence interval"),
    "regions.cannot_conclude_because": ("理由:", "Because:"),
    "regions.finding.too_few_pre_periods": (
        "開始前の年度のデータが足りません",
        "too few years before the start",
    ),
    "regions.finding.too_few_post_periods": (
        "開始後の年度のデータが足りません",
        "too few years after the start",
    ),
    "regions.finding.too_few_controls": ("比較できる地域が足りません", "too few comparison regions"),
    "regions.finding.ci_spans_zero": (
        "信頼区間が0を含みます（効果がない可能性を否定できません）",
        "the interval includes zero (no effect cannot be ruled out)",
    ),
    "regions.finding.parallel_trends_rejected": (
        "開始前から比較対象と異なる傾向で推移しています（平行トレンドの仮定が成り立ちません）",
        "before the start the region already moved differently from the comparison group",
    ),
    "regions.finding.parallel_trends_untested": (
        "開始前の年度が少なく傾向を検定できません",
        "too few years before the start to test trends",
    ),
    "regions.finding.controls_excluded": (
        "一部の比較対象はデータ不足で除外しました",
        "some comparison regions lack data and were left out",
    ),
    "regions.control_mean": ("比較対象の平均", "Comparison mean"),
    "regions.pilot_chart_note": ("パイロット開始:", "Pilot start:"),
    "regions.did_explain": (
        "効果 =（パイロット地域の開始後平均 − 開始前平均）−（比較対象の同じ差の平均）。標準誤差は各比較対象"
        "を仮のパイロットとみなしたプラセボ推定のばらつきから求めます。",
        "Effect = (pilot region's mean after − before) − mean of the same difference over the comparison "
        "regions. The standard error comes from placebo estimates treating each comparison region as the pi"
        "lot.",
    ),
    "regions.pre_periods": ("開始前の年度数", "Years before the start"),
    "regions.post_periods": ("開始後の年度数", "Years after the start"),
    "regions.pretrend": ("開始前の差の傾き", "Pre-start gap trend"),
    "regions.controls": ("比較対象", "Comparison regions"),
    "regions.auto_controls": ("同じ種別で前後のデータがある全地域", "every region of the kind with data"),
    "regions.excluded": ("除外", "Left out"),
    "regions.observations": ("パイロット独自の観測値", "The pilot's own observations"),
    "regions.not_measured": ("まだ測定していません。", "Not measured yet."),
    "regions.import_title": ("統計の取り込み", "Import statistics"),
    "regions.import_intro": (
        "一般廃棄物処理実態調査の形式の統計（CSV または Excel）を取り込みます。自治体は自団体の行だけを取り"
        "込めます。"
        "1行でも誤りがあればファイル全体を取り込まず、すべての問題を行番号つきで示します。同じファイルを再"
        "度取り込んでも変化しません。",
        "Import statistics in the municipal waste survey's shape (CSV or Excel). A municipality imports its"
        " own "
        "rows. One bad cell rejects the whole file and every problem is listed by row; importing the same f"
        "ile "
        "again changes nothing.",
    ),
    "regions.template": ("ひな形", "Templates"),
    "regions.file": ("ファイル（CSV または .xlsx）", "File (CSV or .xlsx)"),
    "regions.import_rules": (
        "見出しは日本語・英語どちらでも可。空欄・「-」は未報告として扱い、0にはしません。団体コードは検査数"
        "字つき6桁です。",
        "Headers in Japanese or English. An empty cell or “-” means not reported, never zero. Codes are six "
        "digits with the check digit.",
    ),
    "regions.import_submit": ("取り込む", "Import"),
    "regions.import_size": ("ファイルが空か、5MBを超えています", "The file is empty or over 5 MB"),
    "regions.import_applied": ("取り込みました", "Imported"),
    "regions.import_unchanged": (
        "すでに同じ内容が登録されています（変更なし）",
        "These figures are already stored (nothing changed)",
    ),
    "regions.import_rejected": ("取り込めませんでした", "The file was not imported"),
    "regions.nothing_stored": (
        "このファイルのデータは何も保存していません。修正して再度取り込んでください。",
        "Nothing of this file was stored. Fix it and import it again.",
    ),
    "regions.rows_read": ("行を読み込み", "rows read"),
    "regions.rows_changed": ("行を更新", "rows changed"),
    "regions.row": ("行", "Row"),
    "regions.column": ("列", "Column"),
    "regions.problem": ("問題と直し方", "Problem and fix"),
    "regions.problems_found": (
        "件の問題があるため、ファイル全体を取り込みませんでした。",
        "problem(s) found: the whole file was not imported.",
    ),
    "regions.err.not_a_number": ("数値ではありません。未報告なら空欄にしてください。", ""),
    "regions.err.missing_population": ("人口は全ての行に必要です。", ""),
    "regions.err.negative_amount": ("負の値です。量は0以上で入力してください。", ""),
    "regions.err.component_exceeds_total": (
        "内訳が合計（ごみ総処理量）を超えています。単位（kgではなくt）と列を確認してください。",
        "",
    ),
    "regions.err.duplicate_row": ("同じ団体・年度の行が2回あります。1行にしてください。", ""),
    "regions.err.bad_year": ("年度は4桁の数字（例: 2022）で入力してください。", ""),
    "regions.err.unknown_column": ("ひな形にない見出しです。ひな形の見出しを使ってください。", ""),
    "regions.err.missing_column": ("必須の列（団体コード・年度・人口）がありません。", ""),
    "regions.err.municipality_code_check_digit": (
        "団体コードの検査数字が合いません。総務省の一覧から写し直してください。",
        "",
    ),
    "regions.err.municipality_code_missing_check_digit": ("団体コードの検査数字（6桁目）がありません。", ""),
    "regions.err.invalid_municipality_code": ("団体コードは検査数字つきの6桁です（例: 141003）。", ""),
    "regions.err.name_mismatch": ("同じ団体コードで団体名が行ごとに異なります。", ""),
    "regions.err.not_utf8": ("UTF-8のCSVではありません。Excelで「CSV UTF-8」として保存してください。", ""),
}


def register_text() -> None:
    register(TEXT)

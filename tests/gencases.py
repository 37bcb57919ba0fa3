import copy, yaml, datetime as dt
CLEAR = {q: False for q in ["saddle_anaesthesia","bladder_or_bowel_dysfunction","bilateral_or_progressive_neurological_deficit","history_of_cancer","unexplained_weight_loss","constant_night_pain","fever_or_recent_infection","iv_drug_use_or_immunosuppression","significant_trauma_or_osteoporotic_fracture_risk","long_term_steroid_use"]}
def base(name, age, sex, occ="other", exp="intermediate", spw=3, equipment=None, goals=None, region="low_back", now=3, worst=None, **kw):
    d = {"client": {"name": name, "age": age, "sex": sex, "occupation": occ},
         "training": {"experience": exp, "sessions_per_week": spw, "equipment": equipment if equipment is not None else ["barbell","pull_up_bar","cable_station","resistance_band","medicine_ball","hyperextension_bench","dumbbells"]},
         "goals": goals or ["general_fitness"],
         "pain": {"region": region, "nprs_now": now, "nprs_worst_24h": worst if worst is not None else now},
         "red_flag_screen": dict(CLEAR),
         "assessment": {"date": "2026-11-23"}}
    d.update(kw)
    return d
cases = {}
def case(fname, name, about, intake, expect):
    cases[fname] = {"name": name, "about": about, "intake": intake, "expect": expect}

i = base("CES vignette", 52, "male", "manual", region="low_back_and_leg", now=6)
i["red_flag_screen"].update(saddle_anaesthesia=True, bladder_or_bowel_dysfunction=True)
case("v01_cauda_equina", "Vignette 1: cauda equina syndrome",
 "52 M, back pain, new saddle numbness and difficulty starting urination: emergency referral (A&E same day), no programme. Domain reference 5.1 (BASS 2018; CKS).",
 i, {"status": "referral", "referral": "emergency", "fired": ["red_flags.cauda_equina"], "no_sessions": True})

i = base("Cancer vignette", 67, "female", region="thoracic", now=5)
i["red_flag_screen"].update(history_of_cancer=True, constant_night_pain=True)
case("v02_cancer_metastases", "Vignette 2: known cancer, possible metastases",
 "67 F, past breast cancer, new thoracic pain, night pain stopping sleep, normal neurology: urgent referral (MSCC coordinator within 24 h); no deadlifts, hyperextensions or chops. NICE CG75.",
 i, {"status": "referral", "referral": "urgent", "fired": ["red_flags.cancer_with_spinal_pain", "red_flags.cancer_over_50"], "not_fired": ["red_flags.cancer_with_neurology"], "absent": ["deadlift", "controlled_hyperextension", "medicine_ball_rotational_chop"], "no_sessions": True})
j = copy.deepcopy(i); j["red_flag_screen"]["new_neurological_deficit"] = True
case("v02b_cancer_with_leg_weakness", "Vignette 2b: known cancer plus leg weakness",
 "The vignette 2 client with new leg weakness: immediate referral as an oncological emergency. NICE CG75.",
 j, {"status": "referral", "referral": "emergency", "fired": ["red_flags.cancer_with_neurology"], "no_sessions": True})

i = base("Infection vignette", 41, "male", "manual", now=7, worst=8)
i["red_flag_screen"].update(iv_drug_use_or_immunosuppression=True, fever_or_recent_infection=True, constant_night_pain=True)
case("v03_infection", "Vignette 3: possible spinal infection",
 "41 M, injects drugs, fever, constant back pain: urgent same-day referral, no exercise. G-care; acute back pain pathway.",
 i, {"status": "referral", "referral": "urgent", "fired": ["red_flags.infection"], "no_sessions": True})

i = base("Fracture vignette", 78, "female", exp="novice", spw=2, region="thoracic", now=6, goals=["pain_management"])
i["red_flag_screen"].update(long_term_steroid_use=True, recent_minor_trauma=True)
i["conditions"] = [{"code": "osteoporosis"}]
i["questionnaires"] = {"parq_plus": {"general": [False, False, False, False, True, False, False], "follow_up": {"musculoskeletal": [False, False, True]}}}
case("v04_osteoporotic_fracture", "Vignette 4: possible osteoporotic fracture",
 "78 F, steroids over 3 months, sudden thoracic pain after a minor fall; PAR-Q+ Q5 YES and follow-up 1c YES: referral before exercise, PAR-Q+ says ePARmed-X+/QEP, no loaded flexion or rotation. G-care; Downie 2013; PAR-Q+.",
 i, {"status": "clearance_required", "referral": "before_exercise", "fired": ["red_flags.fracture", "red_flags.bone_health", "screening.parq_clearance_needed"], "no_loaded": True, "absent": ["medicine_ball_rotational_chop", "cable_chop", "deadlift"], "all_max_effort": 5, "scores": {"parq_plus": {"outcome": "clearance_required"}}})

i = base("PAR-Q vignette", 50, "male", "desk", region="none", now=0)
i["training"]["accustomed_to_vigorous_effort"] = False
i["conditions"] = [{"code": "hypertension"}]
i["questionnaires"] = {"parq_plus": {"general": [True, False, False, False, True, False, False]}}
case("v05_parq_clearance", "Vignette 5: PAR-Q+ clearance needed",
 "50 M, Q1 YES (high blood pressure), Q5 YES, not used to vigorous work: warning, complete pages 2-3 and obtain clearance; no loaded or vigorous work until cleared (unloaded, RPE <= 5). PAR-Q+ 2023.",
 i, {"status": "clearance_required", "flags": ["parq_clearance", "vigorous_effort_over_45", "blood_pressure"], "no_loaded": True, "all_max_effort": 5, "scores": {"parq_plus": {"outcome": "follow_up_needed", "yes_answers": [1, 5]}}})
i = base("PAR-Q control", 30, "female", region="none", now=0)
i["questionnaires"] = {"parq_plus": {"general": [False] * 7}}
case("v05b_parq_cleared", "Vignette 5 control: PAR-Q+ all NO",
 "30 F, all seven answers NO: cleared; the clearance expires after 12 months (valid to 2027-11-22 for an assessment on 2026-11-23). PAR-Q+ 2023.",
 i, {"status": "program", "not_fired": ["screening.parq_clearance_needed"], "scores": {"parq_plus": {"outcome": "cleared", "clearance_valid_until": "2027-11-22"}}, "present": ["deadlift"]})

def sb(items, bother):
    return {"start_back": {"items": items, "bothersomeness": bother}}
A, D = "agree", "disagree"
i = base("STarT high", 44, "female", "desk", region="low_back", now=4, goals=["pain_management"])
i["questionnaires"] = sb([A,D,D,D,A,A,A,D], "very_much")
case("v06_start_back_high", "Vignette 6: STarT Back high risk",
 "A,D,D,D,A,A,A,D with 'very much': total 5, distress 4, high risk - psychologically informed care flagged, effort kept low (graded exposure). Keele SBST; Hill 2011.",
 i, {"status": "program", "flags": ["psychologically_informed_care"], "fired": ["screening.start_back_high"], "max_loaded_effort": 6, "scores": {"start_back": {"total": 5, "distress": 4, "category": "high"}}})
j = copy.deepcopy(i); j["questionnaires"] = sb([A,D,D,D,A,A,A,D], "moderately")
case("v06b_start_back_medium_subscale_3", "Vignette 6b / boundary: STarT Back subscale 3 is medium",
 "The same answers with 'moderately': total 4, distress 3 - medium risk, not high (the boundary between subscale 3 and 4). Keele SBST.",
 j, {"status": "program", "flags": ["stratified_care"], "not_fired": ["screening.start_back_high"], "scores": {"start_back": {"total": 4, "distress": 3, "category": "medium"}}})
k = copy.deepcopy(i); k["questionnaires"] = sb([D,D,D,D,A,A,A,A], "slightly")
case("b_start_back_subscale_4", "Boundary: STarT Back subscale 4 is high",
 "D,D,D,D,A,A,A,A with 'slightly': total 4, distress 4 - high risk (worked example 3 of the Keele table).",
 k, {"fired": ["screening.start_back_high"], "scores": {"start_back": {"total": 4, "distress": 4, "category": "high"}}})

i = base("ODI skipped", 38, "male", "manual", region="low_back", now=4)
i["questionnaires"] = {"odi": [2, 1, 3, 2, 1, 2, 1, 0, None, 4]}
case("v07_odi_skipped_section", "Vignette 7: Oswestry with a skipped section",
 "Nine sections summing to 16: 16/45 = 35.56%, reported 35.6% (one decimal, half up; the source printed 35.5), moderate; the loaded hinge stays. Fairbank & Pynsent 2000.",
 i, {"status": "program", "not_fired": ["screening.odi_severe"], "scores": {"odi": {"percent": 35.6, "band": "moderate", "sections_answered": 9}}})
j = copy.deepcopy(i); j["questionnaires"] = {"odi": [5, 4, 3, 4, 4, 5, 3, 3, None, 4]}
case("b_odi_severe", "Boundary: Oswestry severe means no loaded hinge",
 "35/45 = 77.8% (crippled band): no loaded hinge and no loaded back extension; the hinge drill stands in. Issue 3 design.",
 j, {"fired": ["screening.odi_severe"], "absent": ["deadlift", "trap_bar_deadlift", "kettlebell_deadlift", "dumbbell_deadlift", "controlled_hyperextension"], "present": ["hip_hinge_drill"], "scores": {"odi": {"percent": 77.8, "band": "crippled"}}})

i = base("Shoulder trauma", 58, "male", "manual", region="shoulder", now=7)
i["red_flag_screen"]["acute_traumatic_cuff_tear_signs"] = True
case("s01_traumatic_cuff_tear", "Shoulder: acute traumatic cuff tear",
 "A fall, sudden weakness and a positive drop-arm test: urgent referral to the next specialist clinic, no shoulder loading. BESS/BOA (Rangan).",
 i, {"status": "referral", "referral": "urgent", "fired": ["red_flags.acute_traumatic_cuff_tear"], "no_sessions": True})
j = base("Seizure", 34, "male", region="shoulder", now=5)
j["red_flag_screen"]["shoulder_unreduced_dislocation"] = True
case("s02_dislocation_after_seizure", "Shoulder: loss of rotation after a seizure",
 "Loss of rotation after a seizure suggests an unreduced (posterior) dislocation: same-day emergency. BESS/BOA.",
 j, {"status": "referral", "referral": "emergency", "fired": ["red_flags.shoulder_emergency"], "no_sessions": True})

def cuff(weeks):
    i = base(f"Cuff week {weeks}", 58, "male", "manual", region="shoulder", now=2, goals=["strength"])
    i["conditions"] = [{"code": "rotator_cuff_repair", "side": "right", "weeks_since": weeks}]
    return i
case("b_cuff_repair_week_11", "Boundary: cuff repair at week 11 - no loaded pulling",
 "Week 11 after repair is before strengthening (ASSET: from week 12): no loaded rows, pull-ups, face pulls or overhead work; scapular and closed-chain work only. Vignette 9.",
 cuff(11), {"status": "program", "fired": ["shoulder.young_repair_no_loaded_pulling"], "absent": ["pull_up_neutral_grip", "lat_pulldown", "seated_cable_row", "barbell_row", "face_pull", "band_face_pull", "band_pull_apart"], "present": ["low_row", "isometric_scapular_retraction"], "flags": ["cuff_repair_protected"]})
case("b_cuff_repair_week_12", "Boundary: cuff repair at week 12 - strengthening starts",
 "From week 12 loaded rows may start light (2 sets, RPE 6) after scapular activation; overhead pulling still waits for milestones. ASSET; seed; Kibler.",
 cuff(12), {"status": "program", "fired": ["shoulder.repair_scapular_activation_first"], "not_fired": ["shoulder.young_repair_no_loaded_pulling"], "present": ["seated_cable_row", "low_row"], "absent": ["pull_up_neutral_grip", "lat_pulldown"], "max_sets": {"seated_cable_row": 2}, "max_effort": {"seated_cable_row": 6}, "order": [["scapular_push_up", "seated_cable_row"], ["low_row", "seated_cable_row"]], "flags": ["cuff_repair_milestones"]})

def cleared(days_ago):
    i = base("Cleared", 55, "female", region="low_back", now=2)
    d = dt.date(2026, 11, 23) - dt.timedelta(days=days_ago)
    i["questionnaires"] = {"parq_plus": {"general": [True, False, False, False, False, False, False], "medical_clearance": {"date": d.isoformat(), "by": "Dr Rivera"}}}
    return i
case("b_parq_clearance_last_valid_day", "Boundary: medical clearance on its last valid day",
 "Clearance dated 2025-11-24 is valid through 2026-11-23 (12 months): the restriction is lifted. PAR-Q+ 2023.",
 cleared(364), {"status": "program", "scores": {"parq_plus": {"outcome": "medically_cleared", "clearance_valid_until": "2026-11-23"}}, "not_fired": ["screening.parq_clearance_needed"]})
case("b_parq_clearance_expired_by_one_day", "Boundary: medical clearance expired by one day",
 "Clearance dated 2025-11-23 expired on 2026-11-22: a YES answer without follow-ups needs clearance again. PAR-Q+ 2023 (at most 12 months).",
 cleared(365), {"status": "clearance_required", "no_loaded": True, "scores": {"parq_plus": {"outcome": "follow_up_needed"}}, "fired": ["screening.parq_clearance_needed"]})

i = base("Incomplete screen", 36, "male", "manual", region="low_back", now=2)
del i["red_flag_screen"]["history_of_cancer"]; del i["red_flag_screen"]["constant_night_pain"]
case("s03_incomplete_red_flag_screen", "Incomplete red-flag screen limits the program",
 "Two core questions were not asked: no loaded work until the screen is complete; the program says what it is limited to. Issue 3; IFOMPT.",
 i, {"status": "limited", "fired": ["screening.red_flag_screen_incomplete"], "flags": ["red_flag_screen_incomplete"], "no_loaded": True, "absent": ["deadlift"], "light": ["scapular_push_up", "hip_hinge_drill"], "schedule": {"intense_sessions": 0, "light_sessions": 3}})

i = base("QuickDASH high", 47, "female", "desk", region="shoulder", now=4)
i["questionnaires"] = {"quickdash": [4, 3, 4, 3, 3, 4, 3, 4, 3, 3, 4]}
case("s04_quickdash_high", "QuickDASH high restricts shoulder loading",
 "QuickDASH 38 items summing 38 -> 61.4: no overhead pulling, light rows only (2 sets, RPE 6). Cut-off 40 is a design choice.",
 i, {"fired": ["screening.quickdash_high"], "absent": ["pull_up_neutral_grip", "lat_pulldown"], "max_sets": {"seated_cable_row": 2}, "scores": {"quickdash": {"score": 61.4}}})

for fname, c in cases.items():
    with open(f"tests/cases/{fname}.yaml", "w") as f:
        yaml.safe_dump(c, f, sort_keys=False, width=100, allow_unicode=True)
print(len(cases))
cases.clear()
def rf(name, age, **yes):
    i = base(name, age, "female", region="low_back", now=3)
    i["red_flag_screen"].update(yes)
    return i
case("r01_cancer_with_thoracic_pain_under_50", "Cancer with thoracic pain, age 45",
 "Past cancer with new thoracic pain at 45: urgent referral to the MSCC coordinator (the over-50 rule does not apply, so this rule alone refers). NICE CG75.",
 {**rf("Cancer 45", 45, history_of_cancer=True), "pain": {"region": "thoracic", "nprs_now": 4}}, {"status": "referral", "referral": "urgent", "no_sessions": True})
case("r02_past_cancer_over_50", "Past cancer over 50, no other sign",
 "Past cancer at 55 with ordinary low back pain: urgent review for imaging; no loaded spinal exercise before it. Downie 2013.",
 rf("Cancer 55", 55, history_of_cancer=True), {"status": "referral", "referral": "urgent", "no_sessions": True})
case("r03_past_cancer_alone", "Past cancer alone, age 40",
 "Past cancer at 40 with no other sign: medical review before loaded exercise; unloaded work only until then. Downie 2013.",
 rf("Cancer 40", 40, history_of_cancer=True), {"status": "limited", "referral": "before_exercise", "no_loaded": True, "light": ["scapular_push_up"]})
case("r04_weight_loss_and_night_pain", "Weight loss with constant night pain",
 "Two tumour features together at 40: urgent imaging; no exercise. G-care; Downie 2013.",
 rf("Tumour features", 40, unexplained_weight_loss=True, constant_night_pain=True), {"status": "referral", "referral": "urgent", "no_sessions": True})
case("r05_weight_loss_alone", "Unexplained weight loss alone",
 "A single tumour feature at 40 raises concern but diagnoses poorly: review before loaded exercise. IFOMPT framework.",
 rf("Weight loss", 40, unexplained_weight_loss=True), {"status": "limited", "referral": "before_exercise", "no_loaded": True})
case("r06_immunosuppression_alone", "Immunosuppression without fever",
 "IV drug use or immunosuppression without fever or constant pain: review before loaded exercise, not an emergency. G-care.",
 rf("Immunosuppressed", 35, iv_drug_use_or_immunosuppression=True), {"status": "limited", "referral": "before_exercise", "no_loaded": True})
case("r07_new_neurological_deficit", "New neurological deficit",
 "A new or progressive deficit (weakness, numbness): same-day medical assessment, no exercise. Acute back pain pathway.",
 rf("Neuro", 38, new_neurological_deficit=True), {"status": "referral", "referral": "urgent", "no_sessions": True})
case("r08_inflammatory_pattern", "Inflammatory back pain pattern",
 "Inflammatory back pain (suspected axial spondyloarthritis): urgent rheumatology referral. Acute back pain pathway.",
 rf("Inflammatory", 28, inflammatory_back_pain_pattern=True), {"status": "referral", "referral": "urgent", "no_sessions": True})
i = rf("Steroids", 60, long_term_steroid_use=True)
case("r09_long_term_steroids", "Long-term steroids without trauma",
 "Steroids for more than 3 months weaken bone: no loaded spinal rotation (the Pallof press stands in for chops) and a bone-health flag; no referral without trauma. PAR-Q+ 1c; vignette 4.",
 i, {"status": "program", "absent": ["medicine_ball_rotational_chop", "cable_chop"], "substituted": {"medicine_ball_rotational_chop": "pallof_press"}, "flags": ["bone_health"], "max_effort": {"deadlift": 7}})
i = base("Osteoporosis", 62, "female", region="none", now=0)
i["conditions"] = [{"code": "osteoporosis", "severity": "mild"}]
case("r10_osteoporosis", "Osteoporosis without trauma",
 "Osteoporosis: the hinge drill grooves a neutral spine before any loaded hinge, loaded rotation is left out. Vignette 4.",
 i, {"status": "program", "present": ["hip_hinge_drill", "deadlift"], "order": [["hip_hinge_drill", "deadlift"]], "absent": ["medicine_ball_rotational_chop"]})
i = base("PAR-Q cleared moderate", 40, "male", region="none", now=0)
i["questionnaires"] = {"parq_plus": {"general": [False, False, False, False, False, True, False], "follow_up": {"musculoskeletal": [False, False, False]}}}
case("r11_parq_low_to_moderate", "PAR-Q+ follow-ups all NO",
 "A YES answered by follow-ups that are all NO clears low-to-moderate intensity only: loaded effort at RPE 6 or less. PAR-Q+ 2023.",
 i, {"status": "program", "max_loaded_effort": 6, "present": ["deadlift"], "scores": {"parq_plus": {"outcome": "cleared_low_to_moderate"}}})
i = base("STarT low", 33, "female", "desk", region="low_back", now=2)
i["questionnaires"] = sb([D, D, D, D, A, A, A, D], "moderately")
case("r12_start_back_low", "STarT Back low risk",
 "D,D,D,D,A,A,A,D with 'moderately': total 3, distress 3 - low risk, advice and self-management. Keele SBST worked example 5.",
 i, {"status": "program", "flags": ["stratified_care"], "scores": {"start_back": {"total": 3, "distress": 3, "category": "low"}}})
i = base("Unstable 45", 45, "female", "desk", exp="intermediate", region="low_back", now=2)
i["conditions"] = [{"code": "lumbar_instability", "severity": "mild"}]
case("r14_high_lumbar_risk_anti_rotation", "High lumbar-load risk: anti-rotation before chops",
 "Mild lumbar instability at 45 (high lumbar-load risk): the chop gives way to the Pallof press, the deadlift to a centred hinge. McGill; seed 45-year-old example.",
 i, {"status": "program", "absent": ["medicine_ball_rotational_chop", "deadlift"], "substituted": {"medicine_ball_rotational_chop": "pallof_press"}, "max_sets": {"pallof_press": 2}})
i = base("Light days", 30, "male", spw=4, region="none", now=0)
case("r13_light_day_content", "Light days carry mobility and face pulls",
 "Off days hold lighter activation work - mobility drills and band face pulls - not just priming. Seed: Frequency, Progression, and Recovery.",
 i, {"status": "program", "light": ["thoracic_open_book", "cat_camel", "band_face_pull"], "schedule": {"intense_sessions": 2, "light_sessions": 2}})
for fname, c in cases.items():
    with open(f"tests/cases/{fname}.yaml", "w") as f:
        yaml.safe_dump(c, f, sort_keys=False, width=100, allow_unicode=True)
print(len(cases))

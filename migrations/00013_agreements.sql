-- +goose Up
-- The training agreement template (职业培训协议书, 第十六条, DELIV-1),
-- maintained by the bureau. Every save is a new version; the newest is the
-- one printed. Placeholders such as {{学员姓名}} are filled per enrolment.
CREATE TABLE agreement_templates (
    no         integer PRIMARY KEY CHECK (no > 0),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    note       text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL
);

-- +goose StatementBegin
INSERT INTO agreement_templates (no, body, note, created_by, created_at) VALUES (1, $tpl$职业培训协议书

协议编号：{{协议编号}}

甲方（培训机构）：{{机构名称}}
地址：{{机构地址}}

乙方（学员）：{{学员姓名}}　　性别：{{性别}}
身份证号码：{{身份证号码}}　　联系电话：{{联系电话}}

依据《杭州市临安区职业技能培训管理办法》（临人社发〔2020〕105号）第十六条，甲乙双方就职业技能培训事项签订本协议。

一、培训项目：{{工种}}，{{等级}}（培训班编号 {{培训班编号}}）。
二、培训时间：{{培训日期}}；培训地点：{{培训地点}}；计划学时：{{计划学时}}。
三、培训内容：{{培训内容}}。
四、培训费用：乙方是否缴纳培训费：{{是否缴费}}。甲方向乙方收费须经区人力社保局同意（第十三条）；缴费学员本次培训不享受政府培训补贴。
五、甲方按备案的教学计划、师资和教材组织培训，不得擅自缩减、更改培训内容和课时；如实记录乙方考勤，培训结束后组织乙方参加鉴定考核。
六、乙方遵守培训纪律，按时参加培训，如实提供个人信息；因故不能参加的，应事先请假。
七、甲方对乙方个人信息负有保密义务，仅用于培训、鉴定和补贴申报。
八、本协议一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。

甲方（盖章）：　　　　　　　　　　乙方（签字）：

签订日期：{{签订日期}}$tpl$, '初始模板（依据第十六条）', '系统', now());
-- +goose StatementEnd

-- +goose Down
DROP TABLE agreement_templates;

-- 011_condition_catalogue: the catalogue of safety condition items
-- (điều kiện an toàn PCCC) per house type and facility category, editable
-- by admins and versioned (src/store/register_catalogue.c; rules in
-- src/register/compliance.h). Portable SQL (SQLite and PostgreSQL).
--
-- A version is a draft until it is published; a published version never
-- changes again (inspections name the version they were made with, and
-- their compliance is derived against that version's items). New
-- inspections use the latest published version. At most one draft is open
-- at a time; a draft starts as a copy of the latest published version.
CREATE TABLE condition_catalogue_versions (
	number INTEGER PRIMARY KEY,          -- 1, 2, 3 ...
	created_at BIGINT NOT NULL,          -- unix seconds
	created_by TEXT NOT NULL,            -- username, or 'system'
	note TEXT,
	published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
	published_at BIGINT,
	published_by TEXT
);

-- Items of a version. Codes are stable across versions: an item keeps its
-- code and is deactivated (active = 0) rather than deleted.
--   applies:    house types and/or 'facility', space-separated ids
--               (tube_house detached_house mini_apartment boarding_house
--               home_business apartment other facility)
--   required:   the subset of applies where a fail makes the target
--               'khong_dam_bao' (elsewhere a fail is an advisory)
--   categories: facility categories (Decree 105/2025 or 136/2020 ids)
--               the item is asked of; '' = every category
CREATE TABLE condition_catalogue_items (
	version INTEGER NOT NULL REFERENCES condition_catalogue_versions (number),
	code TEXT NOT NULL,
	title_vi TEXT NOT NULL,
	title_en TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	applies TEXT NOT NULL,
	required TEXT NOT NULL DEFAULT '',
	categories TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	PRIMARY KEY (version, code)
);

-- Version 1: the built-in catalogue (src/register/compliance.c), same
-- codes and texts, so inspections made before this migration still map.
INSERT INTO condition_catalogue_versions (number, created_at, created_by, note, published,
	published_at, published_by) VALUES
(1, 1735689600, 'system',
	'Danh mục ban đầu: điều kiện của đợt kiểm tra chung cư mini, nhà trọ 2023–2024 và các loại nhà khác',
	1, 1735689600, 'system');

INSERT INTO condition_catalogue_items (version, code, title_vi, title_en, legal_basis, applies, required, categories, position, active) VALUES
(1, 'LOI_THOAT_NAN_2',
	'Có lối thoát nạn thứ hai (qua ban công, mái nhà, cầu thang ngoài nhà hoặc sang nhà liền kề)',
	'A second escape route (via a balcony, the roof, an external staircase or a neighbouring building)',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; QCVN 06:2022/BXD về an toàn cháy cho nhà và công trình',
	'tube_house detached_house mini_apartment boarding_house home_business other',
	'mini_apartment boarding_house',
	'', 10, 1),
(1, 'NGAN_CHAY_KHU_DE_XE',
	'Khu vực để xe được ngăn cách với khu vực ở bằng kết cấu ngăn cháy, có cửa ngăn cháy',
	'Parking separated from living areas by fire-resisting construction with a fire door',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; QCVN 06:2022/BXD về an toàn cháy cho nhà và công trình',
	'tube_house mini_apartment boarding_house home_business',
	'mini_apartment boarding_house',
	'', 20, 1),
(1, 'THANG_THOAT_NAN',
	'Có thang dây, thang xếp hoặc thang thoát nạn từ các tầng trên',
	'Rope, folding or other escape ladders from the upper floors',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024',
	'tube_house detached_house mini_apartment boarding_house home_business other',
	'mini_apartment boarding_house',
	'', 30, 1),
(1, 'BAO_CHAY_MOI_PHONG',
	'Có đầu báo khói hoặc đầu báo cháy (độc lập hoặc nối hệ thống) trong mỗi phòng',
	'A smoke or fire detector (standalone or networked) in each room',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; TCVN 3890:2023 về phương tiện phòng cháy và chữa cháy cho nhà và công trình',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other',
	'mini_apartment boarding_house',
	'', 40, 1),
(1, 'DEN_SU_CO_CHI_DAN',
	'Có đèn chiếu sáng sự cố và đèn chỉ dẫn lối thoát nạn',
	'Emergency lighting and exit signs',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; QCVN 06:2022/BXD về an toàn cháy cho nhà và công trình',
	'mini_apartment boarding_house home_business facility',
	'mini_apartment boarding_house facility',
	'', 50, 1),
(1, 'BINH_CHUA_CHAY',
	'Có bình chữa cháy tại mỗi tầng và tại khu vực để xe',
	'Fire extinguishers on each floor and in the parking area',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; TCVN 3890:2023 về phương tiện phòng cháy và chữa cháy cho nhà và công trình',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other facility',
	'mini_apartment boarding_house home_business facility',
	'', 60, 1),
(1, 'HO_SO_PCCC',
	'Có hồ sơ quản lý, theo dõi hoạt động phòng cháy, chữa cháy',
	'A fire-safety file recording fire prevention activities',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15; Nghị định số 105/2025/NĐ-CP',
	'mini_apartment boarding_house facility',
	'mini_apartment boarding_house facility',
	'', 70, 1),
(1, 'PHUONG_AN_CHUA_CHAY',
	'Có phương án chữa cháy, cứu nạn, cứu hộ',
	'A firefighting and rescue plan',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024; Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15; Nghị định số 105/2025/NĐ-CP',
	'mini_apartment boarding_house home_business facility',
	'mini_apartment boarding_house facility',
	'', 80, 1),
(1, 'KHONG_SAC_XE_DIEN_HAM',
	'Không sạc xe điện (xe máy điện, xe đạp điện) ở tầng hầm',
	'No charging of electric motorbikes or e-bikes in the basement',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024',
	'tube_house detached_house mini_apartment boarding_house home_business other facility',
	'mini_apartment boarding_house',
	'', 90, 1),
(1, 'CHUONG_COP_CO_O_THOAT',
	'Chuồng cọp, khung sắt bảo vệ cửa sổ và ban công có ô cửa mở được để thoát nạn',
	'Barred windows and balconies (chuồng cọp) have an openable escape hatch',
	'Yêu cầu bảo đảm an toàn PCCC đối với chung cư mini, nhà trọ trong đợt kiểm tra cao điểm của TP Hà Nội 2023–2024',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other',
	'mini_apartment boarding_house',
	'', 100, 1),
(1, 'NGAN_CACH_KINH_DOANH',
	'Khu vực sản xuất, kinh doanh được ngăn cách với khu vực để ở',
	'Business or production area separated from the living quarters',
	'Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15',
	'home_business',
	'home_business',
	'', 110, 1),
(1, 'HANG_DE_CHAY_AN_TOAN',
	'Hàng hóa, vật liệu dễ cháy được sắp xếp gọn gàng, xa nguồn nhiệt, không che chắn lối thoát nạn',
	'Flammable goods and materials stored tidily, away from heat sources, not blocking escape routes',
	'Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15',
	'tube_house home_business facility',
	'home_business',
	'', 120, 1),
(1, 'DIEN_AN_TOAN',
	'Hệ thống điện có thiết bị đóng cắt bảo vệ (aptomat), không quá tải, không câu mắc tùy tiện',
	'Electrical installation protected by circuit breakers, not overloaded, no improvised wiring',
	'Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other facility',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other facility',
	'', 130, 1),
(1, 'DUN_NAU_THO_CUNG',
	'Khu vực đun nấu, thờ cúng bảo đảm an toàn, cách xa chất dễ cháy',
	'Cooking and altar areas kept safe and away from combustible materials',
	'Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other',
	'', 140, 1),
(1, 'LOI_THOAT_THONG_THOANG',
	'Lối đi, cầu thang, lối thoát nạn thông thoáng, không bị che chắn hoặc khóa',
	'Corridors, stairs and escape routes kept clear, not obstructed or locked',
	'Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15; QCVN 06:2022/BXD về an toàn cháy cho nhà và công trình',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other facility',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other facility',
	'', 150, 1),
(1, 'DUNG_CU_PHA_DO',
	'Có dụng cụ phá dỡ thô sơ (búa, xà beng, kìm cộng lực)',
	'Basic forcible-entry tools (hammer, crowbar, bolt cutters)',
	'',
	'tube_house detached_house mini_apartment boarding_house home_business other',
	'',
	'', 160, 1),
(1, 'MAT_NA_LOC_KHOI',
	'Có mặt nạ lọc độc hoặc phương tiện bảo vệ đường thở khi thoát nạn',
	'Smoke hoods or other breathing protection for escape',
	'',
	'tube_house detached_house mini_apartment boarding_house home_business apartment other',
	'',
	'', 170, 1);

-- Inspections recorded the built-in catalogue as "2024.1": that is version 1.
UPDATE inspections SET catalogue_version = '1' WHERE catalogue_version = '2024.1';

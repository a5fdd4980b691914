from trading.accounts.credit_code import synthetic

GOOD_CODE = "91350100M000100Y43"


def registration(**overrides):
    data = dict(name="Minjiang Road & Bridge Co., Ltd.", credit_code=GOOD_CODE, legal_representative="Lin Wei",
                contact_name="Chen Jing", phone="+86 591 8888 1234", email="bids@minjiang.example.cn",
                address="88 Wuyi Road, Fuzhou", bank_account="6222 0210 0100 1234 567", username="minjiang",
                first_name="Jing", last_name="Chen", user_email="chen.jing@minjiang.example.cn",
                password="Bridges-over-Minjiang-2024", password_again="Bridges-over-Minjiang-2024")
    data.update(overrides)
    return data


def other_code(n=777):
    return synthetic(n, region="350100")

"""The signed contract notice (合同公告): the contract's terms as concluded, beside the award they follow.

Check one with `verify(body, signature, public_key)`, like the award notice and the opening record."""
from trading import sealing

CONTRACT_NOTICE = "sunlight-contract-notice/1"


def contract_notice_body(contract):
    award, tender = contract.award, contract.tender
    return {
        "format": CONTRACT_NOTICE,
        "tender": {"id": tender.pk, "reference": tender.reference, "title": tender.title,
                   "entity": tender.project.entity.name, "training": tender.is_training},
        "lot": contract.lot and {"number": contract.lot.number, "title": contract.lot.title},
        "contract": contract.reference,
        "contractor": {"name": contract.contractor.name, "credit_code": contract.contractor.credit_code},
        "price": str(contract.price), "award_amount": str(award.amount), "price_reason": contract.price_reason,
        "project_manager": contract.project_manager, "bid_project_manager": award.bid.project_manager,
        "manager_reason": contract.manager_reason,
        "duration_days": contract.duration_days, "scope": contract.scope, "warranty_days": contract.warranty_days,
        "retention_amount": str(contract.retention_amount), "subcontract_percent": contract.subcontract_percent,
        "concluded_at": contract.concluded_at.isoformat(), "award_signature": award.signature,
    }


def verify(body, signature, public_key_hex):
    return sealing.verify_signature(public_key_hex, sealing.canonical(body), signature)

# Deliberately empty: bids, attachments and key shares are not registered in the admin,
# so an administrator has no page that shows sealed content, submission signals or shares.

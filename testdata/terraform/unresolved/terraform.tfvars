actions = ["ssm:SendCommand"]

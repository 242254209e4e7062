module github.com/connect-compliance/connect-compliance

go 1.26.0

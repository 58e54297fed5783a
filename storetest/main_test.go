package storetest_test

import (
	"testing"

	"github.com/yapstore/yapstore/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

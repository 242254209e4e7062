// Package lambdadata reads the AWS Lambda functions of one account and
// region (ListFunctions), and per function its published versions
// (ListVersionsByFunction) and aliases (ListAliases), paginated (Lambda
// answers at most 50 items a page) and cached per Region reader so that the
// controls of a test binary read each once. Errors are returned wrapped;
// nothing is judged here.
package lambdadata

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// API is the part of the Lambda client this package uses.
type API interface {
	ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
	ListVersionsByFunction(context.Context, *lambda.ListVersionsByFunctionInput, ...func(*lambda.Options)) (*lambda.ListVersionsByFunctionOutput, error)
	ListAliases(context.Context, *lambda.ListAliasesInput, ...func(*lambda.Options)) (*lambda.ListAliasesOutput, error)
	GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
}

var _ API = (*lambda.Client)(nil)

// Region reads the functions of one account and region.
type Region struct {
	Account, Name string
	api           API

	mu        sync.Mutex
	functions map[string]Function // by name; nil until read
	versions  map[string][]Version
	aliases   map[string][]Alias
	states    map[string]string
}

// New returns a reader of a region's functions.
func New(api API, account, region string) *Region {
	return &Region{Account: account, Name: region, api: api, versions: map[string][]Version{}, aliases: map[string][]Alias{}, states: map[string]string{}}
}

// Function is a function's $LATEST configuration.
type Function struct {
	Name, ARN, Runtime, PackageType string
	// State (Active, Inactive, Failed, ...) and LastUpdateStatus
	// (Successful, Failed, InProgress) are not in ListFunctions' answer
	// ("To get the additional fields (State, ... LastUpdateStatus ...) for a
	// function or version, use GetFunction", Lambda API reference): read them
	// with State.
	State, LastUpdateStatus string
}

// Version is a published version.
type Version struct {
	Version, ARN, Runtime, State string
}

// Alias is an alias and the version it points to.
type Alias struct {
	Name, ARN, Version string
}

// Functions returns the region's functions by name. Read once.
func (r *Region) Functions(ctx context.Context) (map[string]Function, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.functions != nil {
		return r.functions, nil
	}
	fns := map[string]Function{}
	p := lambda.NewListFunctionsPaginator(r.api, &lambda.ListFunctionsInput{MaxItems: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Lambda functions in %s: %w", r.Name, err)
		}
		for _, f := range page.Functions {
			fns[aws.ToString(f.FunctionName)] = Function{Name: aws.ToString(f.FunctionName), ARN: aws.ToString(f.FunctionArn),
				Runtime: string(f.Runtime), PackageType: string(f.PackageType), State: string(f.State), LastUpdateStatus: string(f.LastUpdateStatus)}
		}
	}
	r.functions = fns
	return fns, nil
}

// Versions returns a function's published versions ($LATEST excluded),
// read once per function.
func (r *Region) Versions(ctx context.Context, function string) ([]Version, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.versions[function]; ok {
		return v, nil
	}
	vs := []Version{}
	p := lambda.NewListVersionsByFunctionPaginator(r.api, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(function), MaxItems: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list versions of Lambda function %s in %s: %w", function, r.Name, err)
		}
		for _, v := range page.Versions {
			if aws.ToString(v.Version) == "$LATEST" {
				continue
			}
			vs = append(vs, Version{Version: aws.ToString(v.Version), ARN: aws.ToString(v.FunctionArn), Runtime: string(v.Runtime), State: string(v.State)})
		}
	}
	r.versions[function] = vs
	return vs, nil
}

// Aliases returns a function's aliases, read once per function.
func (r *Region) Aliases(ctx context.Context, function string) ([]Alias, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if a, ok := r.aliases[function]; ok {
		return a, nil
	}
	as := []Alias{}
	p := lambda.NewListAliasesPaginator(r.api, &lambda.ListAliasesInput{FunctionName: aws.String(function), MaxItems: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list aliases of Lambda function %s in %s: %w", function, r.Name, err)
		}
		for _, a := range page.Aliases {
			as = append(as, Alias{Name: aws.ToString(a.Name), ARN: aws.ToString(a.AliasArn), Version: aws.ToString(a.FunctionVersion)})
		}
	}
	sort.Slice(as, func(i, j int) bool { return as[i].Name < as[j].Name })
	r.aliases[function] = as
	return as, nil
}

// State returns a function's state (Active, Pending, Inactive, Failed)
// from GetFunctionConfiguration, read once per function.
func (r *Region) State(ctx context.Context, function string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.states[function]; ok {
		return s, nil
	}
	out, err := r.api.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(function)})
	if err != nil {
		return "", fmt.Errorf("get configuration of Lambda function %s in %s: %w", function, r.Name, err)
	}
	r.states[function] = string(out.State)
	return string(out.State), nil
}

// Ref is a reference to a function as a flow or an association names it.
type Ref struct {
	// Name is the function name; Qualifier the version or alias ("" =
	// unqualified, i.e. $LATEST).
	Name, Qualifier string
	// Region and Account are the ARN's ("" for a bare name).
	Region, Account string
}

// ParseRef parses a function name, name:qualifier, or (partial) ARN.
func ParseRef(s string) Ref {
	if rest, ok := strings.CutPrefix(s, "arn:"); ok {
		f := strings.Split(rest, ":") // PARTITION:lambda:REGION:ACCOUNT:function:NAME[:Q]
		if len(f) >= 6 && f[1] == "lambda" && f[4] == "function" {
			r := Ref{Region: f[2], Account: f[3], Name: f[5]}
			if len(f) > 6 {
				r.Qualifier = f[6]
			}
			return r
		}
		return Ref{Name: s}
	}
	name, q, _ := strings.Cut(s, ":")
	return Ref{Name: name, Qualifier: q}
}
